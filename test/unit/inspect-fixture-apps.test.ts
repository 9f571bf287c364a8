/**
 * The app fixtures are real apps: on a temp copy (node_modules linked to the repo's), Prisma
 * generates the client, TypeScript type-checks the project (including the generated client:
 * no tsconfig excludes what lands in src/), and the app boots and answers GET /.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { copyFixture, REPO_ROOT } from '../helpers/fixtures.js';

const PRISMA_CLI = path.join(REPO_ROOT, 'node_modules/prisma/build/index.js');
const TSC = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');

/**
 * Environment for `prisma generate`. PRISMA_SCHEMA_ENGINE_BINARY must name an existing file:
 * without it the CLI first tries to download the native schema engine, which this offline
 * machine cannot do, although `generate` never runs the engine. /bin/false exists and would
 * fail loudly if Prisma ever did run it.
 */
function prismaEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false', DATABASE_URL: databaseUrl, CI: 'true' };
}

function check(result: SpawnSyncReturns<string>, what: string): void {
  assert.equal(result.status, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  assert.ok(typeof address === 'object' && address !== null);
  return address.port;
}

/** Starts `node --import tsx <entry>` in `dir`, waits for "Listening on", returns the base URL and a stop function. */
async function boot(
  dir: string,
  entry: string,
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: dir,
    env: { ...env, PORT: String(port), NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await once(child, 'exit');
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${entry} did not start within 30s:\n${output}`)),
        30_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Listening on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${entry} exited with ${code}:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}

const TS_FIXTURES: Array<{ name: string; entry: string; databaseUrl: string }> = [
  { name: 'express5-ts-esm-sqlite', entry: 'src/server.ts', databaseUrl: 'file:./dev.db' },
  { name: 'express5-ts-app-factory', entry: 'src/server.ts', databaseUrl: 'file:./dev.db' },
  // GET / does not query, and the pg / mariadb adapters connect lazily: no database needed.
  {
    name: 'express5-ts-existing-user',
    entry: 'src/server.ts',
    databaseUrl: 'postgresql://postgres@127.0.0.1:5432/unused',
  },
  {
    name: 'express5-ts-multifile-mysql',
    entry: 'src/index.ts',
    databaseUrl: 'mysql://root@127.0.0.1:3306/unused',
  },
];

for (const fixture of TS_FIXTURES) {
  describe(`fixture app ${fixture.name}`, () => {
    const project = copyFixture(fixture.name);
    after(() => project.cleanup());
    const env = prismaEnv(fixture.databaseUrl);

    test('prisma generate, then tsc --noEmit passes', () => {
      check(
        spawnSync(process.execPath, [PRISMA_CLI, 'generate'], { cwd: project.dir, env, encoding: 'utf8' }),
        'prisma generate',
      );
      assert.ok(readdirSync(path.join(project.dir, 'src/generated/prisma')).includes('client.ts'));
      check(
        spawnSync(process.execPath, [TSC, '--noEmit', '-p', '.'], { cwd: project.dir, encoding: 'utf8' }),
        'tsc',
      );
    });

    test('boots and answers GET /', async () => {
      const app = await boot(project.dir, fixture.entry, env);
      try {
        const response = await fetch(`${app.url}/`);
        assert.equal(response.status, 200);
        assert.match(await response.text(), /<h1>Welcome<\/h1>/);
      } finally {
        await app.stop();
      }
    });

    if (fixture.name === 'express5-ts-esm-sqlite') {
      test('GET /dashboard reads posts through the Prisma client and the SQLite adapter', async () => {
        // The table Prisma's migration would create for model Post (prisma migrate cannot run here).
        const db = new Database(path.join(project.dir, 'dev.db'));
        db.exec(`CREATE TABLE "Post" (
          "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
          "title" TEXT NOT NULL,
          "body" TEXT NOT NULL,
          "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
        )`);
        db.prepare('INSERT INTO "Post" ("title", "body") VALUES (?, ?)').run('Hello from SQLite', 'body');
        db.close();
        const app = await boot(project.dir, fixture.entry, env);
        try {
          const response = await fetch(`${app.url}/dashboard`);
          assert.equal(response.status, 200);
          assert.match(await response.text(), /<li>Hello from SQLite<\/li>/);
        } finally {
          await app.stop();
        }
      });
    }
  });
}

describe('fixture app express4-js-cjs-postgres', () => {
  test('its JavaScript parses (Prisma 6 style: not booted on Prisma 7)', () => {
    const dir = path.join(REPO_ROOT, 'fixtures/express4-js-cjs-postgres');
    for (const file of ['app.js', 'bin/www.js', 'src/db.js']) {
      check(
        spawnSync(process.execPath, ['--check', path.join(dir, file)], { encoding: 'utf8' }),
        `node --check ${file}`,
      );
    }
  });
});
