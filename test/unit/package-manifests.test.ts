/**
 * The two published packages declare what their code imports, and nothing the other needs:
 * - every package src/runtime and src/shared import (`pow`) is a dependency or a peer of pow;
 * - every package the CLI's folders import (`pow-cli`) is a dependency or a peer of pow-cli;
 * - the versions `pow install` adds (src/deps/versions.ts) fall in pow's peer ranges, and the
 *   package names and versions there are the two package.json files'.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { PINNED_VERSIONS, POW_PACKAGES } from '../../src/deps/versions.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readManifest = (file: string) =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as Manifest;
const RUNTIME = readManifest('package.json');
const CLI = readManifest('packages/cli/package.json');
const CLI_FOLDERS = ['cli', 'commands', 'deps', 'generate', 'inspect', 'prisma', 'recipes'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

/**
 * Package names imported by `files` (static, type-only, re-exports, import()), builtins left out.
 * (Not ts.preProcessFile: it also takes any `x.require('name')` call for an import.)
 */
function importedPackages(files: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)(['"])([^'"]+)\1/gm;
  for (const file of files) {
    for (const [, , fileName] of readFileSync(file, 'utf8').matchAll(SPECIFIER) as Iterable<
      [string, string, string]
    >) {
      if (fileName.startsWith('.') || fileName.startsWith('node:') || builtinModules.includes(fileName))
        continue;
      const parts = fileName.split('/');
      const name = fileName.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
      if (!out.has(name)) out.set(name, path.relative(REPO_ROOT, file));
    }
  }
  return out;
}

function undeclared(imports: Map<string, string>, manifest: Manifest): string[] {
  const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
  return [...imports].filter(([name]) => !(name in declared)).map(([name, file]) => `${name} (${file})`);
}

test('pow declares every package the runtime imports; pow-cli every package the CLI imports', () => {
  const src = path.join(REPO_ROOT, 'src');
  const runtime = importedPackages([
    ...sourceFiles(path.join(src, 'runtime')),
    ...sourceFiles(path.join(src, 'shared')),
  ]);
  runtime.delete(RUNTIME.name); // its own name, in usage examples of the doc comments
  assert.deepEqual(undeclared(runtime, RUNTIME), []);
  const cli = importedPackages(CLI_FOLDERS.flatMap((folder) => sourceFiles(path.join(src, folder))));
  // Import statements inside strings: code the CLI writes into the app (`from 'pow'`,
  // `from 'express'`, `from '${config}'`) or matches in it (a regex on `from 'm'`); never loaded.
  for (const name of [...cli.keys()]) {
    if (['pow', 'express', 'm'].includes(name) || name.includes('$')) cli.delete(name);
  }
  assert.deepEqual(undeclared(cli, CLI), []);
});

test("pow's own dependencies are the runtime's only: none of the CLI's", () => {
  for (const name of Object.keys(CLI.dependencies ?? {})) {
    assert.ok(!(name in (RUNTIME.dependencies ?? {})), `${name} is a dependency of pow`);
  }
});

test('src/deps/versions.ts: package names and versions of both packages, pinned versions in the peer ranges', () => {
  assert.equal(RUNTIME.name, POW_PACKAGES.runtime);
  assert.equal(CLI.name, POW_PACKAGES.cli);
  assert.equal(CLI.version, RUNTIME.version, 'both packages are released at the same version');
  for (const [name, version] of Object.entries(PINNED_VERSIONS)) {
    const range = RUNTIME.peerDependencies?.[name];
    if (range)
      assert.ok(semver.satisfies(version, range), `${name}@${version} is in pow's peer range ${range}`);
  }
});
