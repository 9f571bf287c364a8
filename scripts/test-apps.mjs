#!/usr/bin/env node
// One shared install of pow for the tests, the demo and the benchmarks, the way an app gets it:
// the packed tarballs of `pow` and `pow-cli` (scripts/pack.mjs) installed with npm, next to the
// other packages the example apps under fixtures/ depend on, into .test-cache/apps/node_modules.
// A copied fixture then gets a node_modules that resolves `pow` from there, never from this
// checkout (test/helpers/fixtures.ts, copyFixture).
//
// Versions: each fixture dependency is installed at the version this repo's own package.json
// (or packages/cli's) lists, as the tests always ran; a fixture that pins another version the
// repo has under an npm alias (express4 → express@4) gets the alias too (copyFixture links it in
// the package's place). Dependencies the repo does not have (fastify of the error fixture) are
// left out. The install is incremental (npm keeps the lockfile in .test-cache/apps), so a new
// pack re-extracts pow and pow-cli only; native packages (better-sqlite3) are built once.
// Usage: node scripts/test-apps.mjs
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packPow, REPO_ROOT, TEST_CACHE } from './pack.mjs';

export const APPS_DIR = join(TEST_CACHE, 'apps');
export const APPS_NODE_MODULES = join(APPS_DIR, 'node_modules');
/** Packages tests and guides use in the apps besides the fixtures' own: optional peers and type packages `pow install` adds, test tools. */
const EXTRA = [
  'redis',
  'nodemailer',
  '@simplewebauthn/server',
  '@simplewebauthn/browser',
  'supertest',
  '@types/supertest',
  '@types/ejs',
  '@types/pg',
  '@types/better-sqlite3',
];

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

function repoVersions() {
  const root = readJson(join(REPO_ROOT, 'package.json'));
  const cli = readJson(join(REPO_ROOT, 'packages/cli/package.json'));
  return { ...cli.dependencies, ...root.devDependencies, ...root.dependencies };
}

/** The shared install's package.json dependencies (without pow and pow-cli). */
export function appDependencies() {
  const repo = repoVersions();
  const deps = {};
  for (const name of readdirSync(join(REPO_ROOT, 'fixtures'))) {
    const file = join(REPO_ROOT, 'fixtures', name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = readJson(file);
    for (const [dep, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      if (!(dep in repo) || dep === 'pow' || dep === 'pow-cli') continue;
      deps[dep] = repo[dep];
      const alias = Object.entries(repo).find(([, spec]) => spec === `npm:${dep}@${version}`);
      if (alias) deps[alias[0]] = alias[1];
    }
  }
  for (const dep of EXTRA) deps[dep] = repo[dep];
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding .test-cache/apps.lock (a folder: mkdir is atomic), so parallel callers install once. */
function withLock(fn) {
  const lock = `${APPS_DIR}.lock`;
  mkdirSync(TEST_CACHE, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock older than the deadline was left by a killed run.
      if (Date.now() - statSync(lock).mtimeMs > 15 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) {
        throw new Error(`${lock} is held too long; remove it if no test run is going on.`, { cause: error });
      }
      sleep(500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Copies the compiled addon (build/) of each native package of the shared install (a binding.gyp)
 * from the repo's node_modules when it holds the same version built; returns the packages left to
 * rebuild.
 */
function reuseNativeBuilds() {
  const rebuild = [];
  for (const name of readdirSync(APPS_NODE_MODULES)) {
    const dir = join(APPS_NODE_MODULES, name);
    if (!existsSync(join(dir, 'binding.gyp')) || existsSync(join(dir, 'build'))) continue;
    const repo = join(REPO_ROOT, 'node_modules', name);
    const same =
      existsSync(join(repo, 'build/Release')) &&
      readJson(join(repo, 'package.json')).version === readJson(join(dir, 'package.json')).version;
    if (same) cpSync(join(repo, 'build'), join(dir, 'build'), { recursive: true });
    else rebuild.push(name);
  }
  return rebuild;
}

/**
 * Packs pow (if its content changed) and brings .test-cache/apps up to date. Returns
 * { nodeModules, bin, pack, installed } where `installed` says whether npm ran.
 */
export function ensureTestApps({ log = () => {} } = {}) {
  const pack = packPow();
  return withLock(() => {
    const pkg = {
      name: 'pow-test-apps',
      private: true,
      description:
        'Generated by scripts/test-apps.mjs: the shared install the copied fixture apps resolve packages from.',
      dependencies: {
        ...appDependencies(),
        pow: `file:${relative(APPS_DIR, pack.pow)}`,
        'pow-cli': `file:${relative(APPS_DIR, pack.cli)}`,
      },
    };
    const text = `${JSON.stringify(pkg, null, 2)}\n`;
    const marker = join(APPS_DIR, '.installed');
    const result = {
      nodeModules: APPS_NODE_MODULES,
      bin: join(APPS_NODE_MODULES, '.bin'),
      pack,
      installed: false,
    };
    if (existsSync(marker) && readFileSync(marker, 'utf8') === text) return result;
    mkdirSync(APPS_DIR, { recursive: true });
    writeFileSync(join(APPS_DIR, 'package.json'), text);
    rmSync(marker, { force: true });
    log(`installing pow ${pack.hash} and the example apps' packages into ${relative(REPO_ROOT, APPS_DIR)}`);
    const npm = (args) =>
      execFileSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: APPS_DIR,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, npm_config_update_notifier: 'false' },
      });
    // Install scripts are skipped: the only one the apps need is better-sqlite3's native build,
    // which reuseNativeBuilds takes from the repo's own install (same version, same Node) or
    // runs with `npm rebuild` (minutes on two cores). Prisma's engine download fails offline anyway.
    npm(['install', '--ignore-scripts']);
    const rebuild = reuseNativeBuilds();
    if (rebuild.length > 0) npm(['rebuild', ...rebuild]);
    writeFileSync(marker, text);
    return { ...result, installed: true };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const apps = ensureTestApps({ log: console.log });
  console.log(
    `${apps.nodeModules} ready (${apps.installed ? 'installed' : 'up to date'}, ${Date.now() - started} ms)`,
  );
}
