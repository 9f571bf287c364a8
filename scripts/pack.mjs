#!/usr/bin/env node
// Packs the two published packages, `pow` (the runtime, this folder) and `pow-cli` (the CLI,
// staged in packages/cli by `npm run build`), into .test-cache/packs/<hash>/, where <hash> is a
// content hash of what goes into them (dist/, bin/, templates/, both package.json files). A pack
// of the same content is reused, so tests, the demo and the benchmarks pack once per change.
// Usage: node scripts/pack.mjs   (prints the two tarball paths; run `npm run build` first)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const TEST_CACHE = join(REPO_ROOT, '.test-cache');

const INPUTS = ['dist', 'bin', 'templates', 'package.json', 'packages/cli/package.json'];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => (entry.isDirectory() ? files(join(path, entry.name)) : [join(path, entry.name)]));
}

/** sha256 (hex, 16 chars) over the paths and contents of everything the tarballs are made of. */
export function packHash() {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(join(REPO_ROOT, input))) {
      hash.update(`${relative(REPO_ROOT, file)}\0`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

function version() {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version;
}

/**
 * The tarballs of the current build: { hash, dir, pow, cli } (absolute paths), packed now unless
 * a pack of the same content exists.
 */
export function packPow() {
  if (
    !existsSync(join(REPO_ROOT, 'dist/runtime/index.js')) ||
    !existsSync(join(REPO_ROOT, 'packages/cli/dist/cli/main.js'))
  ) {
    throw new Error('dist/ or packages/cli/dist/ is missing: run `npm run build` first.');
  }
  const hash = packHash();
  const dir = join(TEST_CACHE, 'packs', hash);
  const v = version();
  const result = { hash, dir, pow: join(dir, `pow-${v}.tgz`), cli: join(dir, `pow-cli-${v}.tgz`) };
  if (existsSync(result.pow) && existsSync(result.cli)) return result;
  // Pack into a temp folder and rename it into place: a parallel packer never sees half a pack.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  execFileSync(
    'npm',
    [
      'pack',
      '--workspaces',
      '--include-workspace-root',
      '--pack-destination',
      tmp,
      '--silent',
      '--ignore-scripts',
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    renameSync(tmp, dir);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(result.pow)) throw error; // else another process packed the same content
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const packed = packPow();
  console.log(packed.pow);
  console.log(packed.cli);
}
