/**
 * Scale-out (issue 17): two instances of a generated app (`pow install --session-store redis` on
 * fixtures/express5-ts-esm-api-dotenv, users in one SQLite file) behind a round-robin proxy in
 * this test, sharing one Redis: first a private Redis Cluster of three masters (REDIS_URL = its
 * nodes' URLs), then a private single redis-server. Consecutive requests alternate between the
 * instances (the proxy tells which one answered), and every promise is checked across them:
 * a CSRF token from one is accepted by the other, a session made on one is seen by the other,
 * sign-out everywhere (a password change) on one makes the other refuse the old cookie at once,
 * and sign-in failures split over both lock the account at exactly the limit.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApp, type RunningApp } from '../helpers/app-process.js';
import { copyFixture, REPO_ROOT, runPow, type TempProject } from '../helpers/fixtures.js';
import { HttpClient, csrfTokenFrom, type HttpResponse } from '../helpers/http-client.js';
import { POW_NOW, requireBuild, seedMigrationHistory } from '../helpers/e2e-project.js';
import { privateRedis, privateRedisCluster } from '../helpers/fault-servers.js';

const exec = promisify(execFile);
const FIXTURE = 'express5-ts-esm-api-dotenv';
const BIN = join(REPO_ROOT, 'node_modules/.bin');
const PASSWORD = 'purple-otter-maps-42-quietly';
const NEW_PASSWORD = 'green-heron-lakes-17-softly';
/** pow's default `signInFailuresPerAccount.max`, which the generated config keeps. */
const ACCOUNT_LIMIT = 10;

function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(POW_|DATABASE_URL$|NODE_OPTIONS$|REDIS_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    NODE_ENV: 'development',
    POW_NOW,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

interface Proxy {
  url: string;
  close(): Promise<void>;
}

/** Forwards each request to the next instance in turn; `x-test-instance` says which answered. */
async function roundRobinProxy(targets: string[]): Promise<Proxy> {
  let next = 0;
  const server: Server = createServer((req, res) => {
    const index = next++ % targets.length;
    const target = new URL(targets[index]);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-test-instance': String(index) });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const instance = (res: HttpResponse) => res.headers.get('x-test-instance');

async function signIn(browser: HttpClient, email: string, password: string): Promise<HttpResponse> {
  const form = await browser.get('/session/new');
  assert.equal(form.status, 200);
  return browser.post('/session', { _csrf: csrfTokenFrom(form.body), user_id: email, password });
}

async function signOut(browser: HttpClient): Promise<void> {
  const page = await browser.get('/registration/edit');
  const res = await browser.post('/session', { _csrf: csrfTokenFrom(page.body), _method: 'DELETE' });
  assert.equal(res.status, 302);
}

async function register(browser: HttpClient, email: string): Promise<HttpResponse[]> {
  const form = await browser.get('/registration/new');
  assert.equal(form.status, 200, form.body.slice(0, 500));
  const created = await browser.post('/registration', {
    _csrf: csrfTokenFrom(form.body),
    email,
    password: PASSWORD,
    password_confirmation: PASSWORD,
  });
  assert.equal(created.status, 302, created.body.slice(0, 1000));
  return [form, created];
}

/** The promises on two instances sharing the Redis at `redisUrl`. */
async function twoInstances(t: TestContext, dir: string, label: string, redisUrl: string): Promise<void> {
  const env = { ...childEnv(), REDIS_URL: redisUrl };
  const running: { apps: RunningApp[]; proxy?: Proxy } = { apps: [] };
  try {
    for (let i = 0; i < 2; i++)
      running.apps.push(await startApp(dir, join(BIN, 'tsx'), ['src/index.ts'], env, 60_000));
    // Each instance opens its Redis connection on its first store call, which on a busy machine
    // may miss the store deadline once (a 503, as promised): a sign-in attempt for an unknown
    // account on each, until it is answered, so the checks below start from connected instances.
    for (const app of running.apps) {
      const direct = new HttpClient(app.url);
      let res: HttpResponse | undefined;
      for (let attempt = 0; attempt < 10 && (!res || res.status === 503); attempt++) {
        res = await signIn(direct, `warm-up-${label}@example.com`, 'not-a-password-at-all');
      }
      assert.equal(res?.status, 401, res?.body.slice(0, 500));
    }
    const proxy = (running.proxy = await roundRobinProxy(running.apps.map((app) => app.url)));
    const ada = new HttpClient(proxy.url);
    const adaEmail = `ada-${label}@example.com`;

    await t.test(
      `${label}: a CSRF token from one instance is accepted by the other; the session is seen by both`,
      async () => {
        const [form, created] = await register(ada, adaEmail);
        assert.notEqual(
          instance(form),
          instance(created),
          'the form and its POST went to different instances',
        );
        const first = await ada.get('/registration/edit');
        const second = await ada.get('/registration/edit');
        assert.deepEqual([first.status, second.status], [200, 200]);
        assert.notEqual(instance(first), instance(second));
      },
    );

    await t.test(
      `${label}: sign-out everywhere on one instance: the other refuses the old cookie at once`,
      async () => {
        const laptop = new HttpClient(proxy.url);
        assert.equal((await signIn(laptop, adaEmail, PASSWORD)).status, 302);
        const seen = [await laptop.get('/registration/edit'), await laptop.get('/registration/edit')];
        assert.deepEqual(
          seen.map((res) => res.status),
          [200, 200],
        );
        // A password change ends every other session of the user (pow.sessions.revokeOthers).
        const page = await ada.get('/registration/edit');
        const changed = await ada.post('/registration', {
          _csrf: csrfTokenFrom(page.body),
          _method: 'PATCH',
          email: adaEmail,
          current_password: PASSWORD,
          password: NEW_PASSWORD,
          password_confirmation: NEW_PASSWORD,
        });
        assert.equal(changed.status, 302, changed.body.slice(0, 1000));
        const next = await laptop.get('/registration/edit');
        assert.notEqual(instance(next), instance(changed), 'the next request went to the other instance');
        assert.equal(next.status, 302);
        assert.match(next.location ?? '', /^\/session\/new/);
        const again = await laptop.get('/registration/edit');
        assert.equal(again.status, 302, 'refused by both instances');
        // The session that changed the password lives on, on both instances.
        const kept = [await ada.get('/registration/edit'), await ada.get('/registration/edit')];
        assert.deepEqual(
          kept.map((res) => res.status),
          [200, 200],
        );
      },
    );

    await t.test(
      `${label}: sign-in failures split over both instances lock the account at exactly ${ACCOUNT_LIMIT}`,
      async () => {
        const browser = new HttpClient(proxy.url);
        const below = `grace-${label}@example.com`;
        const at = `hopper-${label}@example.com`;
        for (const email of [below, at]) {
          await register(browser, email);
          await signOut(browser);
        }
        const fail = async (email: string, times: number) => {
          const served = new Set<string | null>();
          for (let i = 0; i < times; i++) {
            // A sign-in is two requests (form, POST): one more every other time moves the POST to
            // the other instance.
            if (i % 2 === 1) await browser.get('/api/health');
            const res = await signIn(browser, email, 'wrong-password-123456');
            assert.equal(res.status, 401, `failure ${i + 1} of ${email}`);
            served.add(instance(res));
          }
          assert.equal(served.size, 2, 'the failures went to both instances');
        };
        await fail(below, ACCOUNT_LIMIT - 1);
        assert.equal((await signIn(browser, below, PASSWORD)).status, 302, 'one failure short of the limit');
        await signOut(browser);
        await fail(at, ACCOUNT_LIMIT);
        const locked = await signIn(browser, at, PASSWORD);
        assert.equal(locked.status, 401, 'locked: the right password is refused like a wrong one');
        assert.equal((await browser.get('/registration/edit')).status, 302);
      },
    );
  } finally {
    await running.proxy?.close();
    await Promise.all(running.apps.map((app) => app.stop()));
  }
}

test('two instances of a generated app behind a round-robin proxy share sessions, revocation, throttles and CSRF', async (t) => {
  requireBuild();
  const started: { copy?: TempProject; stop: Array<() => Promise<void>> } = { stop: [] };
  t.after(async () => {
    for (const stop of started.stop) await stop();
    started.copy?.cleanup();
  });
  const copy = (started.copy = copyFixture(FIXTURE));
  await seedMigrationHistory(copy, 'sqlite');
  const env = childEnv();
  const installed = await runPow(['install', '--yes', '--session-store', 'redis'], { cwd: copy.dir, env });
  assert.equal(installed.code, 0, installed.stderr + installed.stdout);
  const migrated = await runPow(['migrate'], { cwd: copy.dir, env });
  assert.equal(migrated.code, 0, migrated.stderr);
  await exec(join(BIN, 'prisma'), ['generate'], {
    cwd: copy.dir,
    env: { ...env, DATABASE_URL: 'file:./dev.db', PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false' },
  });

  const cluster = await privateRedisCluster(3);
  started.stop.push(() => cluster.destroy());
  await twoInstances(t, copy.dir, 'cluster', cluster.urls.join(','));

  const single = await privateRedis();
  started.stop.push(() => single.destroy());
  await twoInstances(t, copy.dir, 'single', single.url);
});
