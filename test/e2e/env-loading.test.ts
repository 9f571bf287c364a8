/**
 * Item 3 of issue 15: after `pow install` + `pow migrate` (+ `prisma generate`), the app boots
 * with its own `npm run dev`, however it loads its environment: `dotenv.config()` in the entry's
 * body (ES modules: after every import has run), `import 'dotenv/config'`, `node --env-file=.env`
 * and `process.loadEnvFile()`. pow's generated code reads nothing at import, the install appends
 * POW_SECRET to the app's existing .env (never overwriting it) and writes no .env.example where
 * the app's `*.env*` rule hides it, and the JSON API (no view engine, no page at `/`) gets working
 * pages and lands people on pow's account page. A missing POW_SECRET or DATABASE_URL stops the
 * app at start-up with pow's message.
 *
 * Fixture: fixtures/express5-ts-esm-api-dotenv (its entry src/index.ts is rewritten per way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startApp } from '../helpers/app-process.js';
import { copyFixture, REPO_ROOT, runPow, type TempProject } from '../helpers/fixtures.js';
import { HttpClient, csrfTokenFrom } from '../helpers/http-client.js';
import { POW_NOW, requireBuild, seedMigrationHistory } from '../helpers/e2e-project.js';

const exec = promisify(execFile);
const FIXTURE = 'express5-ts-esm-api-dotenv';
const BIN = join(REPO_ROOT, 'node_modules/.bin');
const PASSWORD = 'purple-otter-maps-42-quietly';

const ROUTES = `
const app = express();

app.use(express.json());

app.get('/api/health', (_req, res) => {
  res.json({ ok: true });
});

const port = process.env.PORT || 3001;
app.listen(port, () => {
  console.log(\`API listening on port \${port}\`);
});
`;

/** Each way an app loads .env: its entry and its dev script. */
const WAYS: { name: string; entry: string; dev: string }[] = [
  {
    name: 'dotenv.config() in the body of an ES module entry',
    entry: `import express from 'express';\nimport dotenv from 'dotenv';\n\ndotenv.config();\n${ROUTES}`,
    dev: 'tsx src/index.ts',
  },
  {
    name: "import 'dotenv/config'",
    entry: `import 'dotenv/config';\nimport express from 'express';\n${ROUTES}`,
    dev: 'tsx src/index.ts',
  },
  {
    name: 'node --env-file=.env',
    entry: `import express from 'express';\n${ROUTES}`,
    dev: 'node --env-file=.env --import tsx src/index.ts',
  },
  {
    name: 'process.loadEnvFile()',
    entry: `import express from 'express';\n\nprocess.loadEnvFile();\n${ROUTES}`,
    dev: 'tsx src/index.ts',
  },
];

/** The environment of the child processes: nothing of pow's or the database's (it comes from .env). */
function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(POW_|DATABASE_URL$|NODE_OPTIONS$)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    NODE_ENV: 'development',
    POW_NOW,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}

/** `npm run dev` of the app (startApp waits until it answers, or reports its output if it exits). */
function npmRunDev(dir: string) {
  return startApp(dir, 'npm', ['run', 'dev', '--silent'], childEnv(), 60_000);
}

async function prepare(way: (typeof WAYS)[number]): Promise<TempProject> {
  requireBuild();
  const copy = copyFixture(FIXTURE);
  await seedMigrationHistory(copy, 'sqlite');
  writeFileSync(join(copy.dir, 'src/index.ts'), way.entry);
  const pkgPath = join(copy.dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { scripts: Record<string, string> };
  pkg.scripts.dev = way.dev;
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  return copy;
}

for (const way of WAYS) {
  test(`${FIXTURE}, ${way.name}: npm run dev works right after pow install + pow migrate`, async (t) => {
    const copy = await prepare(way);
    const dir = copy.dir;
    const read = (path: string) => readFileSync(join(dir, path), 'utf8');
    const env = childEnv();
    let stop: (() => Promise<void>) | null = null;
    t.after(async () => {
      await stop?.();
      copy.cleanup();
    });

    const installed = await runPow(['install', '--yes'], { cwd: dir, env });
    assert.equal(installed.code, 0, installed.stderr + installed.stdout);
    // The app's .env keeps its lines and gets pow's keys; no .env.example behind *.env*.
    const dotenv = read('.env');
    assert.ok(
      dotenv.startsWith('# Local settings of the API (not committed).\nDATABASE_URL="file:./dev.db"\n'),
    );
    assert.match(dotenv, /^POW_SECRET=[\w-]{64}$/m);
    assert.match(dotenv, /^POW_BASE_URL=http:\/\/localhost:3001$/m);
    assert.equal(dotenv.match(/^DATABASE_URL=/gm)?.length, 1, 'DATABASE_URL was there already');
    assert.equal(existsSync(join(dir, '.env.example')), false);
    assert.match(installed.stdout, /\.env\.example: not written, \.gitignore hides it \(rule "\*\.env\*"\)/);
    // Next steps: the app's own script and port, and no "set POW_SECRET" (it is in .env).
    assert.match(installed.stdout, /npm run dev, then open http:\/\/localhost:3001\/registration\/new/);
    assert.doesNotMatch(installed.stdout, /Set POW_SECRET/);
    const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    assert.equal(pkg.devDependencies['@types/ejs'], '3.1.5', 'the entry imports ejs');
    assert.match(read('src/pow/config.ts'), /landingPath: 'registration\.edit'/);

    const migrated = await runPow(['migrate'], { cwd: dir, env });
    assert.equal(migrated.code, 0, migrated.stderr);
    await exec(join(BIN, 'prisma'), ['generate'], {
      cwd: dir,
      // Prisma's CLI reads DATABASE_URL through prisma.config.ts; generate needs no engine (any file).
      env: { ...env, DATABASE_URL: 'file:./dev.db', PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false' },
    });
    if (way === WAYS[0]) {
      // The generated code type-checks under the app's own (strict) tsconfig.
      await exec(join(BIN, 'tsc'), ['--noEmit', '-p', '.'], { cwd: dir });
    }

    const app = await npmRunDev(dir);
    stop = app.stop;
    const client = new HttpClient(app.url);
    const health = await client.get('/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.body, '{"ok":true}');
    // pow's pages render in an app without a view engine; sign-up lands on a page that exists.
    const form = await client.get('/registration/new');
    assert.equal(form.status, 200, form.body.slice(0, 500));
    const created = await client.post('/registration', {
      _csrf: csrfTokenFrom(form.body),
      email: 'ada@example.com',
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.equal(created.status, 302, created.body.slice(0, 1000));
    assert.equal(created.location, '/registration/edit');
    assert.equal((await client.get('/registration/edit')).status, 200);
    await app.stop();
    stop = null;

    if (way !== WAYS[0]) return;
    // A missing variable: pow's message at start-up, naming it.
    const withoutSecret = dotenv.replace(/^POW_SECRET=.*\n/m, '');
    writeFileSync(join(dir, '.env'), withoutSecret);
    await assert.rejects(npmRunDev(dir), (error: Error) => {
      assert.match(error.message, /app exited/);
      assert.match(error.message, /POW_SECRET is not set: pow signs session cookies and tokens with it/);
      return true;
    });
    writeFileSync(join(dir, '.env'), dotenv.replace(/^DATABASE_URL=.*\n/m, ''));
    await assert.rejects(npmRunDev(dir), (error: Error) => {
      assert.match(
        error.message,
        /DATABASE_URL is not set: the Prisma client connects to the database with it/,
      );
      return true;
    });
  });
}
