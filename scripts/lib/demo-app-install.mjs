// The generated demo app, installed for production as a user's deploy does it: a copy of
// fixtures/express5-ts-esm-sqlite, `pow install --yes` by the packed CLI, pow and pow-cli pointed
// at their tarballs (they are not on the registry yet), a lockfile (`npm install
// --package-lock-only`) and `npm ci --omit=dev`. Shared by bench/install-size.mjs (sizes) and
// test/integration/production-install.test.ts (what a production install contains).
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../pack.mjs';
import { ensureTestApps } from '../test-apps.mjs';

const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

function npm(args, cwd) {
  execFileSync('npm', [...args, ...NPM_FLAGS], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/**
 * Copies the demo fixture to `dir` and runs the packed CLI's `pow install --yes` there, with pow
 * and pow-cli pointing at the tarballs. Returns the app's package.json after the install.
 */
export function generateDemoApp(dir) {
  const { pack, nodeModules } = ensureTestApps();
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(REPO_ROOT, 'fixtures/express5-ts-esm-sqlite'), dir, { recursive: true });
  // The CLI as the app's devDependency runs it: from the installed pow-cli tarball.
  execFileSync(process.execPath, [join(nodeModules, 'pow-cli/bin/pow.js'), 'install', '--yes'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, CI: 'true', NO_COLOR: '1', POW_NOW: '2026-01-02T03:04:05Z' },
  });
  const pkg = readJson(join(dir, 'package.json'));
  if (!pkg.dependencies?.pow || !pkg.devDependencies?.['pow-cli']) {
    throw new Error('pow install did not add pow to dependencies and pow-cli to devDependencies');
  }
  pkg.dependencies.pow = `file:${pack.pow}`;
  pkg.devDependencies['pow-cli'] = `file:${pack.cli}`;
  writeJson(join(dir, 'package.json'), pkg);
  return pkg;
}

/** Drops pow and pow-cli from the app's package.json: the same app without pow. */
export function withoutPow(dir) {
  const pkg = readJson(join(dir, 'package.json'));
  delete pkg.dependencies.pow;
  delete pkg.devDependencies['pow-cli'];
  writeJson(join(dir, 'package.json'), pkg);
}

/**
 * Lockfile, then `npm ci --omit=dev` in `dir`. `ignoreScripts` skips install scripts (the
 * better-sqlite3 native build): the same packages, faster, for tests that only look at which
 * packages are there.
 */
export function productionInstall(dir, { ignoreScripts = false } = {}) {
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  rmSync(join(dir, 'package-lock.json'), { force: true });
  npm(['install', '--package-lock-only', '--ignore-scripts'], dir);
  npm(['ci', '--omit=dev', ...(ignoreScripts ? ['--ignore-scripts'] : [])], dir);
}
