/**
 * docs/getting-started.md, followed literally on a copy of the SQLite example app: every command
 * the guide lists is run as a child process in the order it lists them, the edits it describes
 * are made, and the app it ends with signs a new user up and in. pow and pow-cli are installed
 * with npm from their packed tarballs, as the guide says to until pow is on the registry; `npx
 * pow` is the installed pow-cli's bin. The copy starts with a hard-linked copy of the tests'
 * shared install as its node_modules (scripts/test-apps.mjs), so npm only adds pow and checks the
 * rest (no native build, offline). The outputs the guide shows must be what the commands print (the temp folder shown
 * as /home/you/my-app). `POW_UPDATE_DOCS=1` rewrites those output blocks from this run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApp, type RunningApp } from '../helpers/app-process.js';
import { copyFixture, REPO_ROOT } from '../helpers/fixtures.js';
import { ensureTestApps } from '../../scripts/test-apps.mjs';
import { HttpClient, csrfTokenFrom } from '../helpers/http-client.js';
import { POW_NOW, requireBuild } from '../helpers/e2e-project.js';
import { EXAMPLES_DIR, PASSWORD, assertGuideRuns, childEnv, signIn } from './guide-app.js';

const exec = promisify(execFile);
const GUIDE = join(REPO_ROOT, 'docs/getting-started.md');
const SHOWN_DIR = '/home/you/my-app';

/** `<!-- output: <command> -->` followed by a ```text block: what the guide shows `command` printing. */
const OUTPUT_BLOCK = /<!-- output: (.+?) -->\n\n?```text\n([\s\S]*?)^```$/gm;

function shownOutputs(text: string): Map<string, string> {
  return new Map([...text.matchAll(OUTPUT_BLOCK)].map((m) => [m[1], m[2]]));
}

test('docs/getting-started.md, step by step, ends with a working sign-up and sign-in', async (t) => {
  requireBuild();
  const { pack } = ensureTestApps();
  const copy = copyFixture('express5-ts-esm-sqlite', { nodeModules: 'copy' });
  const dir = copy.dir;
  // The app's own tools, as npx finds them.
  const BIN = join(dir, 'node_modules/.bin');
  // The example app has no migration history (as shipped): the guide's pow migrate --init writes its init.
  const guide = readFileSync(GUIDE, 'utf8');
  const printed = new Map<string, string>();
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    copy.cleanup();
  });

  /** Runs a command of the guide in the app folder (no TTY, like CI), returning its output. */
  const sh = async (command: string, env: Record<string, string> = {}, quotedArgs?: string[]) => {
    assertGuideRuns('getting-started.md', command);
    const [tool, ...words] = command.replace(/^npx /, '').split(' ');
    const args = quotedArgs ?? words;
    const file = tool === 'node' ? process.execPath : join(BIN, tool);
    const argv = args;
    try {
      const { stdout, stderr } = await exec(file, argv, {
        cwd: dir,
        env: childEnv({ POW_NOW, NO_COLOR: '1', ...env }),
        maxBuffer: 16 * 1024 * 1024,
      });
      const out = (stdout + stderr).split(dir).join(SHOWN_DIR);
      printed.set(command, out);
      return out;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      assert.fail(`${command} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  };
  const env = () =>
    Object.fromEntries(
      readFileSync(join(dir, '.env'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => {
          const eq = line.indexOf('=');
          return [line.slice(0, eq), line.slice(eq + 1).replace(/^"(.*)"$/, '$1')];
        }),
    );

  /** `npm <args>` in the app, from the npm cache (--prefer-offline). */
  const npm = async (args: string[]) => {
    try {
      await exec('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: dir,
        env: childEnv({}),
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      assert.fail(`npm ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  };

  await t.test('1. install pow and pow-cli (from their packed tarballs)', async () => {
    assertGuideRuns('getting-started.md', 'npm install pow');
    assertGuideRuns('getting-started.md', 'npm install --save-dev pow-cli');
    await npm(['install', pack.pow]);
    await npm(['install', '--save-dev', pack.cli]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    assert.match(pkg.dependencies.pow!, /^file:.*pow-\d+\.\d+\.\d+\.tgz$/);
    assert.match(pkg.devDependencies['pow-cli']!, /^file:.*pow-cli-\d+\.\d+\.\d+\.tgz$/);
    assert.ok(
      !realpathSync(join(dir, 'node_modules/pow')).startsWith(REPO_ROOT),
      'pow is installed in the app',
    );
  });

  await t.test('1. see what pow detects', async () => {
    const out = await sh('npx pow inspect');
    assert.match(out, /User model {7}none: pow adds model User/);
  });

  await t.test('2. install', async () => {
    const out = await sh('npx pow install');
    assert.match(out, /Next steps:/);
  });

  await t.test('3. the steps after the install: migrate, generate (.env has the secret)', async () => {
    assertGuideRuns('getting-started.md', 'npm install');
    await npm(['install']);
    // pow appended its keys to the app's .env (created here: the example app has none).
    const text = readFileSync(join(dir, '.env'), 'utf8');
    assert.match(text, /^POW_SECRET=[\w-]{64}$/m, 'the guide says POW_SECRET is already in .env');
    assert.match(text, /^DATABASE_URL="?file:\.\/dev\.db"?$/m);

    const migrated = await sh('npx pow migrate --init');
    assert.match(
      migrated,
      /Wrote prisma\/migrations\/20260102030404_init\/migration\.sql: the init migration of your schema \(Post\)/,
    );
    assert.match(migrated, /Applied 2 migrations/);
    // prisma.config.ts reads DATABASE_URL with env(): the guide's note says to have .env loaded.
    await sh('npx prisma generate', {
      DATABASE_URL: env().DATABASE_URL,
      PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    });
  });

  await t.test('4. protect a page (the edit of examples/getting-started/src/app.ts)', () => {
    const example = readFileSync(join(EXAMPLES_DIR, 'getting-started/src/app.ts'), 'utf8');
    const installed = readFileSync(join(dir, 'src/app.ts'), 'utf8');
    assert.equal(
      example.replace(/^\/\/ #(end)?region.*\n/gm, '').replace('auth.requireAuthenticated, ', ''),
      installed,
      'the example is the installed src/app.ts plus the guard',
    );
    writeFileSync(join(dir, 'src/app.ts'), example);
  });

  await t.test('5. start the app: sign up, sign out, sign in', async () => {
    assertGuideRuns('getting-started.md', 'npx tsx --env-file=.env src/server.ts');
    app = await startApp(dir, join(BIN, 'tsx'), ['--env-file=.env', 'src/server.ts'], childEnv({}), 60_000);
    const browser = new HttpClient(app.url);
    const guarded = await browser.get('/dashboard');
    assert.equal(guarded.location, '/session/new?request_path=%2Fdashboard');

    const form = await browser.get('/registration/new');
    const created = await browser.post('/registration', {
      _csrf: csrfTokenFrom(form.body),
      email: 'ada@example.com',
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.equal(created.status, 302, created.body.slice(0, 1500));
    assert.equal((await browser.get('/dashboard')).status, 200);
    const edit = await browser.get('/registration/edit');
    assert.equal(
      (await browser.post('/session', { _csrf: csrfTokenFrom(edit.body), _method: 'DELETE' })).status,
      302,
    );
    assert.equal((await browser.get('/dashboard')).status, 302);

    const back = await signIn(browser, 'ada@example.com', PASSWORD, '/session/new?request_path=%2Fdashboard');
    assert.equal(back.location, '/dashboard');
    const dashboard = await browser.get('/dashboard');
    assert.equal(dashboard.status, 200);
    assert.match(dashboard.body, /<h1>Dashboard<\/h1>/);
  });

  await t.test('the outputs the guide shows are what the commands printed', () => {
    const shown = shownOutputs(guide);
    assert.ok(shown.size >= 3, 'the guide shows the output of inspect, install and migrate');
    if (process.env.POW_UPDATE_DOCS === '1') {
      const updated = guide.replace(OUTPUT_BLOCK, (whole, command: string) => {
        const out = printed.get(command);
        return out === undefined
          ? whole
          : `<!-- output: ${command} -->\n\n\`\`\`text\n${out.replace(/\n*$/, '\n')}\`\`\``;
      });
      writeFileSync(GUIDE, updated);
      return;
    }
    for (const [command, text] of shown) {
      const out = printed.get(command);
      assert.ok(out !== undefined, `the guide shows output of "${command}", which the test does not run`);
      assert.equal(text, out.replace(/\n*$/, '\n'), `output of ${command} (POW_UPDATE_DOCS=1 rewrites it)`);
    }
  });
});
