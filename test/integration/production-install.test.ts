/**
 * What a production install of an app that uses pow contains: the generated demo app
 * (fixtures/express5-ts-esm-sqlite after the packed CLI's `pow install --yes`, pow and pow-cli
 * from their tarballs), installed with a lockfile and `npm ci --omit=dev` (install scripts
 * skipped: the same packages, without the native build). None of the code generator's packages
 * may be in it (the Prisma CLI only as the app's own, see below), and pow's runtime must load there for ESM `import` and CommonJS `require` with no
 * mail or Redis package installed (they are optional peers, loaded only when configured).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateDemoApp, productionInstall } from '../../scripts/lib/demo-app-install.mjs';

const exec = promisify(execFile);

/** The CLI's packages, which a production install must not contain (issue 15, scope 5). */
const GENERATOR_PACKAGES = [
  'ts-morph',
  '@prisma/schema-engine-wasm',
  'prompts',
  'commander',
  'node-diff3',
  'pow-cli',
];

/** Every installed package (name → count of copies), nested node_modules included. */
function installedPackages(nodeModules: string, out = new Map<string, number>()): Map<string, number> {
  if (!existsSync(nodeModules)) return out;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const names = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name)).map((n) => `${entry.name}/${n}`)
      : [entry.name];
    for (const name of names) {
      out.set(name, (out.get(name) ?? 0) + 1);
      installedPackages(join(nodeModules, name, 'node_modules'), out);
    }
  }
  return out;
}

test('npm ci --omit=dev of the generated demo app: pow without its code generator', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pow-prod-install-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pkg = generateDemoApp(dir);
  assert.match(pkg.dependencies.pow!, /pow-\d+\.\d+\.\d+\.tgz$/);
  assert.match(pkg.devDependencies['pow-cli']!, /pow-cli-\d+\.\d+\.\d+\.tgz$/);
  productionInstall(dir, { ignoreScripts: true });

  const installed = installedPackages(join(dir, 'node_modules'));
  assert.ok(installed.has('pow'), 'pow is installed');
  for (const name of GENERATOR_PACKAGES) assert.ok(!installed.has(name), `${name} is not installed`);
  // The Prisma CLI: @prisma/client declares `prisma` (and typescript) as optional peers, so npm
  // flags the app's own devDependency `prisma` "devOptional" and `--omit=dev` keeps it, with or
  // without pow (bench/results/install-size.md). pow must not be a reason for it: only that
  // optional peer edge and the app's devDependency may lead to it.
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { devOptional?: boolean; dev?: boolean; dependencies?: Record<string, string> }>;
  };
  if (installed.has('prisma')) assert.equal(lock.packages['node_modules/prisma']?.devOptional, true);
  const needsPrisma = Object.entries(lock.packages)
    .filter(([, entry]) => !entry.dev && entry.dependencies && 'prisma' in entry.dependencies)
    .map(([path]) => path);
  assert.deepEqual(needsPrisma, [], 'no production package depends on the Prisma CLI');
  for (const name of ['nodemailer', 'redis']) assert.ok(!installed.has(name), `${name} is not installed`);
  assert.equal(installed.get('@prisma/client'), 1, "one @prisma/client: the app's (pow's is a peer)");

  await t.test('pow loads with import and with require (Node 20.19+ require(esm))', async () => {
    const esm = await exec(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const p = await import('pow'); const e = await import('pow/express'); await import('pow/testing'); console.log(typeof p.createPow, typeof e.powExpress);",
      ],
      { cwd: dir },
    );
    assert.equal(esm.stdout.trim(), 'function function');
    const cjs = await exec(
      process.execPath,
      [
        '-e',
        "const p = require('pow'); const e = require('pow/express'); console.log(typeof p.smtpMailer, typeof e.default);",
      ],
      { cwd: dir },
    );
    assert.equal(cjs.stdout.trim(), 'function function');
  });

  await t.test(
    'an SMTP mailer or a Redis store without their package: a clear error at start-up',
    async () => {
      const probe = `
      const { smtpMailer, redisStore } = await import('pow');
      for (const make of [() => smtpMailer('smtp://localhost:2525'), () => redisStore('redis://localhost:6379')]) {
        try { make(); console.log('created'); } catch (error) { console.log(error.message, '|', error.fix); }
      }`;
      const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', probe], { cwd: dir });
      assert.match(
        stdout,
        /`smtpMailer` needs the package nodemailer, which is not installed \| npm install nodemailer/,
      );
      assert.match(
        stdout,
        /`redisStore` needs the package redis, which is not installed \| npm install redis/,
      );
    },
  );
});
