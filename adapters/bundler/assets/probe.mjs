// Run by MastraAdmin as `node --input-type=module -` in a build's bundle
// (.mastra/output), as the build user: it reports which @mastra/core and
// @mastra/observability the bundle resolves, and what of @mastra/core's
// API the injected entry needs is missing, as one JSON line.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = process.cwd();
const req = createRequire(path.join(here, 'index.mjs'));

// pkg finds the package a bare import of name resolves to from here.
function pkg(name) {
  for (const dir of req.resolve.paths(name) ?? []) {
    try {
      const j = JSON.parse(fs.readFileSync(path.join(dir, name, 'package.json'), 'utf8'));
      return { version: String(j.version ?? ''), dir: path.join(dir, name) };
    } catch {}
  }
  return null;
}

const core = pkg('@mastra/core');
const missing = [];
if (core) {
  const need = async (spec, check) => {
    try {
      check(await import(spec));
    } catch (err) {
      missing.push(`${spec} (${String(err?.message ?? err).split('\n')[0]})`);
    }
  };
  await need('@mastra/core/mastra', (m) => {
    for (const f of ['getServer', 'setServer', 'getLogger', 'setLogger', 'registerExporter', 'getWorkflow']) {
      if (typeof m.Mastra?.prototype?.[f] !== 'function') missing.push(`Mastra.${f}`);
    }
  });
  await need('@mastra/core/logger', (m) => {
    for (const c of ['MastraLogger', 'MultiLogger']) {
      if (typeof m[c] !== 'function') missing.push(`@mastra/core/logger ${c}`);
    }
  });
}
let project = '';
try {
  project = String(JSON.parse(fs.readFileSync(path.join(here, '..', '..', 'package.json'), 'utf8')).name ?? '');
} catch {}
console.log(JSON.stringify({ mastraAdminProbe: 1, core, observability: pkg('@mastra/observability'), missing, project }));
