// The "build" of the tiny fixture: it writes a Mastra-shaped bundle
// (.mastra/output/index.mjs, mastra.mjs, package.json) holding a small
// HTTP server copied from server.mjs. No dependencies.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '.mastra', 'output');
if (process.env.TINY_BUILD_FAIL) {
  console.error('tiny-server build: failing on purpose (TINY_BUILD_FAIL)');
  process.exit(2);
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.copyFileSync(path.join(here, 'server.mjs'), path.join(out, 'index.mjs'));
fs.writeFileSync(path.join(out, 'mastra.mjs'), 'export const mastra = { tiny: true };\n');
fs.writeFileSync(path.join(out, 'package.json'),
  JSON.stringify({ name: 'server', private: true, type: 'module', main: 'index.mjs' }, null, 2) + '\n');
console.log(`tiny-server build: wrote ${out}`);
