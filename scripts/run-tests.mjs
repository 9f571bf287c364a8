#!/usr/bin/env node
// Runs every test file under test/ with node's own test runner (through tsx for TypeScript).
// Node 20's runner does not expand globs, so the files are listed here, the longest first
// (scripts/test-order.mjs) and run a few at a time (scripts/run-test-files.mjs).
// Usage: node scripts/run-tests.mjs [path-filter ...]   (POW_TEST_CONCURRENCY=n: files at a time)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { ensureTestApps } from './test-apps.mjs';
import { orderTestFiles, readTimings, TIMINGS_FILE } from './test-order.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.test\.(ts|mts|js|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
const sizes = new Map(files.map((file) => [file, statSync(join(root, file)).size]));
const ordered = orderTestFiles(files, readTimings(join(root, TIMINGS_FILE)), sizes);

// Copies of the example apps install pow as a user does: from its packed tarballs. Pack (when
// dist/ changed) and install them once, before any test file runs (scripts/test-apps.mjs).
{
  const started = Date.now();
  try {
    const apps = ensureTestApps({ log: (line) => console.log(line) });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `pow ${apps.pack.hash} packed and installed for the example apps (${apps.installed ? 'installed' : 'up to date'}, ${seconds} s)`,
    );
  } catch (error) {
    console.error(`Packing or installing pow for the tests failed: ${error.message}`);
    process.exit(1);
  }
}

// On a fresh machine `npm test` must pass by itself: start the databases and Redis if they are
// down and install Debian's Chromium if missing (POW_SKIP_TEST_ENV=1 skips this, e.g. in a sandbox
// without root where they are provided another way).
if (process.env.POW_SKIP_TEST_ENV !== '1') {
  const env = spawnSync('bash', [join(root, 'scripts/ensure-test-env.sh')], { stdio: 'inherit' });
  if (env.status !== 0) {
    console.error(
      'The test environment is not ready (see above); set POW_SKIP_TEST_ENV=1 to skip this check.',
    );
    process.exit(1);
  }
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'scripts/run-test-files.mjs'), ...ordered.map((file) => join(root, file))],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
