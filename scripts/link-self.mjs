#!/usr/bin/env node
// Makes this repository resolvable as the package `pow` from its own node_modules:
// <repo>/node_modules/pow -> <repo> (a relative symlink). Copies of the example apps link their
// node_modules to the repo's, so `import { createPow } from 'pow'` in generated code resolves to
// this checkout (its package.json "exports": dist/, so build first). Idempotent; used by the demo,
// the tests (scripts/run-tests.mjs) and the benchmarks.
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Creates (or repairs) node_modules/pow -> .. ; returns the link's path. */
export function linkSelf(root = REPO_ROOT) {
  const nodeModules = join(root, 'node_modules');
  const link = join(nodeModules, 'pow');
  const target = '..';
  mkdirSync(nodeModules, { recursive: true });
  let stat = null;
  try {
    stat = lstatSync(link);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  if (stat?.isSymbolicLink() && readlinkSync(link) === target) return link;
  if (stat?.isSymbolicLink()) rmSync(link);
  else if (stat)
    throw new Error(`${link} exists and is not a symlink; remove it (it shadows this checkout).`);
  try {
    symlinkSync(target, link, 'dir');
  } catch (error) {
    // Another process (parallel tests) made it in the meantime.
    if (error.code !== 'EEXIST') throw error;
  }
  return link;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(`linked ${linkSelf()} -> ..`);
}
