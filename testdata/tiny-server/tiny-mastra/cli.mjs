#!/usr/bin/env node
// A stand-in for the mastra CLI of the tiny fixture: `mastra build` runs
// the project's build.mjs, so that the build worker's real steps (install,
// then `node node_modules/.bin/mastra build`) run on a project with no
// registry dependencies.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

if (process.argv[2] !== 'build') {
  console.error(`tiny mastra: unknown command ${process.argv[2] ?? '(none)'}; only build is known`);
  process.exit(2);
}
await import(pathToFileURL(path.join(process.cwd(), 'build.mjs')).href);
