#!/usr/bin/env node
// The README's demo: runs pow on the SQLite fixture. `npm run demo` builds first.
// Placeholder until `pow install` lands: for now it shows what `pow inspect` detects.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['bin/pow.js', 'inspect', '--cwd', 'fixtures/express5-ts-esm-sqlite'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exitCode = result.status ?? 1;
