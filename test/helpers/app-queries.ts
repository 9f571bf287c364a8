/**
 * The leak check every installed app must pass: once a user signed up over HTTP, the app's own
 * Prisma queries of whole rows (what a JSON API returns: `findMany()`, `findFirst()`, the row a
 * `create` returns) carry no password hash and no credential, whatever pow did to the schema. The
 * queries run in a child process with the app's own generated client and driver adapter.
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient, csrfTokenFrom } from './http-client.js';
import { runBin, type E2EProject } from './e2e-project.js';

const ADAPTERS: Record<E2EProject['db']['provider'], string> = {
  sqlite: `import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';\nconst adapter = new PrismaBetterSqlite3({ url: process.env.DATABASE_URL });`,
  postgresql: `import { PrismaPg } from '@prisma/adapter-pg';\nconst adapter = new PrismaPg({ connectionString: process.env.DATABASE_URL });`,
  mysql: `import { PrismaMariaDb } from '@prisma/adapter-mariadb';\nconst adapter = new PrismaMariaDb(process.env.DATABASE_URL);`,
};

export interface AppQueryOptions {
  /** The app's generated client module, relative to the project root. */
  clientModule?: string;
  /** Fields the app's User model requires besides the e-mail (e.g. { name: 'Ada' }). */
  extraFields?: Record<string, string>;
}

export async function assertNoHashInAppQueries(
  t: TestContext,
  project: E2EProject,
  baseUrl: string,
  options: AppQueryOptions = {},
): Promise<void> {
  const email = 'leak-check@example.com';
  const password = 'amber-heron-sails-77-slowly';
  const extra = options.extraFields ?? {};

  await t.test("after sign-up, the app's own queries of whole User rows carry no hash", async () => {
    const browser = new HttpClient(baseUrl);
    const page = await browser.get('/registration/new');
    const res = await browser.post('/registration', {
      _csrf: csrfTokenFrom(page.body),
      email,
      password,
      password_confirmation: password,
      ...extra,
    });
    assert.equal(res.status, 302, res.body.slice(0, 2000));

    const client = options.clientModule ?? './src/generated/prisma/client.js';
    project.write(
      'pow-app-queries.mts',
      `${ADAPTERS[project.db.provider]}
import { PrismaClient } from '${client}';
const prisma = new PrismaClient({ adapter });
const out = {
  findMany: await prisma.user.findMany(),
  findFirst: await prisma.user.findFirst({ where: { email: '${email}' } }),
  created: await prisma.user.create({ data: { email: 'made-by-the-app@example.com', ...${JSON.stringify(extra)} } }),
  explicit: await prisma.user.findFirst({ where: { email: '${email}' }, include: { credential: true } }),
};
await prisma.$disconnect();
console.log(JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
`,
    );
    const output = await runBin(project, 'tsx', ['pow-app-queries.mts']);
    const { explicit, ...whole } = JSON.parse(output.trim().split('\n').pop()!) as Record<string, unknown> & {
      explicit: { credential: { passwordHash: string } | null };
    };
    const json = JSON.stringify(whole);
    assert.match(json, new RegExp(email), 'the signed-up user is in the results');
    assert.doesNotMatch(json, /\$argon2|\$2[aby]\$|passwordHash|credential/, json);
    // The hash exists, and only a query that names the relation reads it.
    assert.match(explicit.credential?.passwordHash ?? '', /^\$argon2id\$/);
  });
}
