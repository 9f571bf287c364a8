/**
 * Fixture helpers: fixtures under fixtures/ are never used in place by tests that write. Each test
 * copies one into a fresh temp folder whose node_modules is the shared install of
 * scripts/test-apps.mjs: pow and pow-cli from their packed tarballs plus the example apps' other
 * packages, installed once per test run (scripts/run-tests.mjs prepares it). So `pow` resolves
 * from its tarball, as in a user's app, never from this checkout.
 */
import { Readable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestApps } from '../../scripts/test-apps.mjs';
import { run, type RunOptions } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const FIXTURES_DIR = path.join(REPO_ROOT, 'fixtures');

export interface TempProject {
  /** Absolute path of the copy. */
  dir: string;
  /** Removes the copy (kept when POW_KEEP_TMP=1, for debugging). Safe to call twice. */
  cleanup(): void;
}

export interface CopyFixtureOptions {
  /**
   * The copy's node_modules, resolving pow from its tarball (default true: a link to the shared
   * install). `'copy'`: a hard-linked copy of the shared install (seconds, no disk), which `npm
   * install` in the copy can change like an app's own node_modules (npm replaces a package's
   * folder rather than writing into its files, so the shared install is not touched). false: none.
   */
  nodeModules?: boolean | 'copy';
}

let appsChecked: string | undefined;

/**
 * The shared install's node_modules (pow and pow-cli from their tarballs, and the fixtures'
 * packages); packs and installs first when the build changed (scripts/test-apps.mjs). Checked once
 * per test process (each check hashes dist/): the build does not change while a test file runs.
 */
export function appsNodeModules(): string {
  return (appsChecked ??= ensureTestApps().nodeModules);
}

/**
 * Copies fixtures/<name> into a new temp folder and gives it a `node_modules` that resolves
 * `pow` (and everything else) from the shared install of the packed tarballs (appsNodeModules).
 *
 * When the fixture pins a package at a version the install has only under an npm alias (the
 * Express 4 fixture's `"express": "4.21.2"` is the install's `"express4": "npm:express@4.21.2"`),
 * node_modules becomes a folder of per-package links with the alias in the package's place, so
 * the copy runs what its package.json asks for.
 */
export function copyFixture(name: string, options: CopyFixtureOptions = {}): TempProject {
  const source = path.join(FIXTURES_DIR, name);
  const dir = mkdtempSync(path.join(tmpdir(), `pow-${name}-`));
  cpSync(source, dir, { recursive: true });
  if (options.nodeModules === 'copy') {
    execFileSync('cp', ['-al', appsNodeModules(), path.join(dir, 'node_modules')]);
  } else if (options.nodeModules !== false) {
    const shared = appsNodeModules();
    linkNodeModules(dir, shared, aliasOverrides(path.join(source, 'package.json'), shared));
  }
  return tempProject(dir);
}

/** Writes `files` (relative path → content) into a new temp folder; for detector edge cases. */
export function writeTempProject(files: Record<string, string>): TempProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'pow-project-'));
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(dir, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return tempProject(dir);
}

/**
 * A sha256 over every path, file content and symlink target under `dir` (sorted, so the hash
 * is stable). Used to prove a command wrote nothing. Symlinks are not followed.
 */
export function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (relative: string): void => {
    const absolute = path.join(dir, relative);
    for (const name of readdirSync(absolute).sort()) {
      const child = relative === '' ? name : `${relative}/${name}`;
      // pow's per-machine answers (src/cli/input-stamp.ts): a cache, not part of the project.
      if (child === '.pow/cache') continue;
      const stat = lstatSync(path.join(dir, child));
      if (stat.isSymbolicLink()) {
        hash.update(`link ${child} -> ${readlinkSync(path.join(dir, child))}\n`);
      } else if (stat.isDirectory()) {
        hash.update(`dir ${child}\n`);
        walk(child);
      } else {
        hash.update(`file ${child} ${stat.mode.toString(8)}\n`);
        hash.update(readFileSync(path.join(dir, child)));
        hash.update('\n');
      }
    }
  };
  walk('');
  return hash.digest('hex');
}

export interface PowResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process (as `pow <argv>`) with in-memory output, no TTY and no colour.
 * `cwd` defaults to the repo root; `env` is added to a minimal environment.
 */
export async function runPow(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; run?: RunOptions; stdin?: string } = {},
): Promise<PowResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    cwd: options.cwd ?? REPO_ROOT,
    env: { CI: 'true', NO_COLOR: '1', ...options.env },
    isTTY: false,
    ...(options.stdin === undefined ? {} : { stdin: Readable.from([options.stdin]) }),
  };
  const code = await run(argv, io, options.run);
  return { code, stdout, stderr };
}

function tempProject(dir: string): TempProject {
  return {
    dir,
    cleanup() {
      if (process.env.POW_KEEP_TMP === '1') return;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** package name → the shared node_modules folder that holds the version the fixture pins. */
function aliasOverrides(fixturePackageJson: string, shared: string): Map<string, string> {
  const overrides = new Map<string, string>();
  const fixture = readJson(fixturePackageJson);
  const install = readJson(path.join(shared, '..', 'package.json'));
  const installDeps = { ...install.dependencies };
  const fixtureDeps = { ...fixture.devDependencies, ...fixture.dependencies };
  for (const [name, version] of Object.entries(fixtureDeps)) {
    const installed = installedVersion(path.join(shared, name));
    if (installed === null || installed === version) continue;
    const alias = Object.entries(installDeps).find(([, spec]) => spec === `npm:${name}@${version}`);
    if (alias) overrides.set(name, path.join(shared, alias[0]));
  }
  return overrides;
}

function linkNodeModules(dir: string, shared: string, overrides: Map<string, string>): void {
  const target = path.join(dir, 'node_modules');
  if (overrides.size === 0) {
    symlinkSync(shared, target, 'dir');
    return;
  }
  mkdirSync(target);
  for (const name of readdirSync(shared)) {
    // Scoped folders (@prisma, ...) are linked whole; overrides are unscoped packages.
    symlinkSync(overrides.get(name) ?? path.join(shared, name), path.join(target, name));
  }
}

function installedVersion(packageDir: string): string | null {
  try {
    return (readJson(path.join(packageDir, 'package.json')).version as string | undefined) ?? null;
  } catch {
    return null;
  }
}

interface PackageJson {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson(file: string): PackageJson {
  return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
}
