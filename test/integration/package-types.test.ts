/**
 * pow's published types under every resolution mode an app may use: the packed tarball as
 * installed for the example apps (scripts/test-apps.mjs), and a small app importing `pow`,
 * `pow/express` and `pow/testing` the way generated code does, type-checked with `tsc --noEmit`
 * for moduleResolution node10, node16, nodenext and bundler, as CommonJS and as ESM, with and
 * without skipLibCheck. The app has @types/node and @types/express (as any TypeScript Express
 * app); pow's declarations need no other @types package (no @types/nodemailer: pow declares its
 * own SMTP options). Under node16/nodenext a CommonJS app gets the `require` condition's .d.cts
 * twins (scripts/build-cts.mjs), since Node 20.19+ lets it require() pow's ES modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureTestApps } from '../../scripts/test-apps.mjs';

const exec = promisify(execFile);

const APP = `import { createPow, memoryStore, smtpMailer, type Mailer, type SmtpMailerOptions } from 'pow';
import { powExpress } from 'pow/express';
import { signInAs, CookieJar } from 'pow/testing';
import express from 'express';

declare const config: Omit<Parameters<typeof createPow>[0], 'store'>;
declare const expressOptions: Parameters<typeof powExpress>[1];
const options: SmtpMailerOptions = { host: 'localhost', port: 2525, secure: false, auth: { user: 'u', pass: 'p' } };
export const mailer: Mailer = smtpMailer(options);
export const pow = createPow({ ...config, store: memoryStore() });
export const auth = powExpress(pow, expressOptions);
const app = express();
app.use(auth.middleware());
export const helpers = [signInAs, CookieJar];
`;

interface Mode {
  name: string;
  type: 'commonjs' | 'module';
  compilerOptions: Record<string, string>;
}

const MODES: Mode[] = [
  {
    name: 'node10, CommonJS',
    type: 'commonjs',
    compilerOptions: { module: 'commonjs', moduleResolution: 'node10' },
  },
  { name: 'node10, ESM', type: 'module', compilerOptions: { module: 'es2022', moduleResolution: 'node10' } },
  {
    name: 'node16, CommonJS',
    type: 'commonjs',
    compilerOptions: { module: 'node16', moduleResolution: 'node16' },
  },
  { name: 'node16, ESM', type: 'module', compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
  {
    name: 'nodenext, CommonJS',
    type: 'commonjs',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
  },
  {
    name: 'nodenext, ESM',
    type: 'module',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
  },
  {
    name: 'bundler, ESM',
    type: 'module',
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler' },
  },
  {
    name: 'bundler, preserve',
    type: 'module',
    compilerOptions: { module: 'preserve', moduleResolution: 'bundler' },
  },
];

test('pow, pow/express and pow/testing type-check in every resolution mode', async (t) => {
  const apps = ensureTestApps();
  const tsc = join(apps.bin, 'tsc');
  const root = mkdtempSync(join(tmpdir(), 'pow-types-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));

  const check = async (mode: Mode, skipLibCheck: boolean) => {
    const dir = join(root, `${mode.name.replace(/\W+/g, '-')}-${skipLibCheck ? 'skip' : 'full'}`);
    mkdirSync(join(dir, 'src'), { recursive: true });
    symlinkSync(apps.nodeModules, join(dir, 'node_modules'), 'dir');
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'types-app', private: true, type: mode.type }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          strict: true,
          esModuleInterop: true,
          noEmit: true,
          skipLibCheck,
          types: ['node'],
          ...mode.compilerOptions,
        },
        include: ['src'],
      }),
    );
    writeFileSync(join(dir, 'src/app.ts'), APP);
    try {
      await exec(tsc, ['--noEmit', '-p', dir], { cwd: dir });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      assert.fail(`${mode.name}, skipLibCheck ${skipLibCheck}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  };

  // Two at a time: tsc is CPU-bound and the machine has two cores.
  const jobs = MODES.flatMap((mode) => [true, false].map((skip) => ({ mode, skip })));
  const failures: string[] = [];
  const run = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      await check(job.mode, job.skip).catch((error: Error) => failures.push(error.message));
    }
  };
  await Promise.all([run(), run()]);
  assert.deepEqual(failures, []);
});
