#!/usr/bin/env node
// Writes a CommonJS twin (.d.cts) of every declaration file of the runtime package (dist/runtime,
// dist/shared). pow is ESM only, and Node 20.19+ lets CommonJS `require()` it (no top-level
// await anywhere in the runtime). TypeScript, under `module: node16` in a CommonJS app, refuses
// to let a CommonJS file import an ES module's declarations (TS1479); the package's `require`
// condition points at these .d.cts files instead, which describe the same module (the namespace
// that require(esm) returns), so every resolution mode type-checks. Run after tsc (`npm run build`).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const RELATIVE_JS = /((?:\bfrom\s*|\bimport\s*\(\s*)(['"])\.{1,2}\/[^'"]+)\.js\2/g;

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

let count = 0;
for (const folder of ['runtime', 'shared']) {
  for (const file of walk(join(dist, folder))) {
    if (!file.endsWith('.d.ts')) continue;
    const text = readFileSync(file, 'utf8').replace(RELATIVE_JS, '$1.cjs$2');
    writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text);
    count++;
  }
}
console.log(`build-cts: ${count} .d.cts files`);
