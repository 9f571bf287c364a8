/**
 * `pow install` on an app whose User table already has rows (issue 15): a copy of
 * fixtures/express5-ts-existing-user whose User has no e-mail and a required `age Int` besides the
 * required `name` (the shape of fixtures/real-prisma-x-express), on SQLite, PostgreSQL and MariaDB. Rows are
 * inserted before install; then:
 * - pow's migration applies and leaves the app's table as it was: the e-mail the User lacks lives
 *   in pow's `user_credentials` table (`email String? @unique` there), and the old rows are kept;
 * - the sign-up form asks for `name` (text) and `age` (number); a bad age is a field error (422),
 *   not a 500; a good one creates the row with an integer age;
 * - strict tsc passes on the generated code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningApp } from '../helpers/app-process.js';
import { copyFixture, runPow } from '../helpers/fixtures.js';
import {
  INIT_MIGRATION,
  MIGRATION_DIR,
  POW_NOW,
  TEST_POW_SECRET,
  bootWithTsx,
  createDatabase,
  prismaGenerate,
  requireBuild,
  seedMigrationHistory,
  typecheck,
  type E2EProject,
  type E2EProvider,
} from '../helpers/e2e-project.js';
import { HttpClient, csrfTokenFrom } from '../helpers/http-client.js';
import { projectSql } from '../helpers/project-sql.js';

const FIXTURE = 'express5-ts-existing-user';
const SCHEMA = 'prisma/schema.prisma';

async function setUp(provider: E2EProvider): Promise<E2EProject> {
  requireBuild();
  const copy = copyFixture(FIXTURE);
  const path = (file: string) => join(copy.dir, file);
  const read = (file: string) => readFileSync(path(file), 'utf8');
  const write = (file: string, text: string) => writeFileSync(path(file), text);
  // No e-mail, and a required Int: the app's own columns, all required, no defaults.
  write(
    SCHEMA,
    read(SCHEMA)
      .replace('provider = "postgresql"', `provider = "${provider}"`)
      .replace(/\n {2}email +String +@unique\n/, '\n')
      .replace(/\n {2}name( +)String\n/, '\n  name$1String\n  age $1Int\n'),
  );
  if (provider === 'mysql') {
    write(
      'src/lib/db.ts',
      "import { PrismaMariaDb } from '@prisma/adapter-mariadb';\n" +
        "import { PrismaClient } from '../generated/prisma/client.js';\n\n" +
        "const adapter = new PrismaMariaDb(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/app');\n\n" +
        'const db = new PrismaClient({ adapter });\n\nexport { db };\n',
    );
  }
  if (provider === 'sqlite') {
    write(
      'src/lib/db.ts',
      "import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';\n" +
        "import { PrismaClient } from '../generated/prisma/client.js';\n\n" +
        "const adapter = new PrismaBetterSqlite3({ url: process.env.DATABASE_URL ?? 'file:./dev.db' });\n\n" +
        'const db = new PrismaClient({ adapter });\n\nexport { db };\n',
    );
  }
  await seedMigrationHistory(copy, provider);
  if (provider === 'mysql') {
    // seedMigrationHistory diffs a multi-file schema's datasource file against the whole schema;
    // this one is a single file, so its `init` is rendered here from the schema without its models.
    const { renderMysqlMigration } = await import('../../src/prisma/mysql-ddl.js');
    const schema = read(SCHEMA);
    const init = renderMysqlMigration(
      { [SCHEMA]: schema.replace(/\nmodel \w+ \{[^}]*\}\n/g, '\n') },
      { [SCHEMA]: schema },
    ).sql;
    write(`prisma/migrations/${INIT_MIGRATION}/migration.sql`, init);
  }
  const db = await createDatabase(provider, copy.dir);
  const env = { DATABASE_URL: db.url, POW_SECRET: TEST_POW_SECRET, POW_NOW };
  return {
    ...copy,
    db,
    env,
    pow: (args) => runPow(args, { cwd: copy.dir, env }),
    read,
    write,
    async dispose() {
      copy.cleanup();
      await db.drop();
    },
  };
}

for (const provider of ['sqlite', 'postgresql', 'mysql'] as const) {
  test(`pow install on a User table with rows and no e-mail (${provider}): migrates, signs up with the app's columns`, async (t) => {
    const project = await setUp(provider);
    let app: RunningApp | null = null;
    t.after(async () => {
      await app?.stop();
      await project.dispose();
    });

    await t.test("the app's own migration, then two users of its own", async () => {
      const res = await project.pow(['migrate']);
      assert.equal(res.code, 0, res.stderr + res.stdout);
      await projectSql(
        project,
        `INSERT INTO "users" ("id", "name", "age", "role") VALUES ('u1', 'Ada', 36, 'user'), ('u2', 'Grace', 85, 'admin')`,
      );
    });

    await t.test(
      "install keeps the e-mail in pow's credential table and names the columns the sign-up form asks for",
      async () => {
        const res = await project.pow(['install', '--yes']);
        assert.equal(res.code, 0, res.stderr + res.stdout);
        assert.match(res.stdout, /^registration: the sign-up form now asks for User\.name, User\.age \(/m);
        assert.doesNotMatch(res.stdout, /Manual steps/);
        const schema = project.read(SCHEMA);
        const user = /model User \{[^}]*\}/.exec(schema)![0];
        assert.doesNotMatch(user, /email/, "no e-mail column in the app's User");
        const credential = /model UserCredential \{[^}]*\}/.exec(schema)![0];
        assert.match(credential, /\n {2}email +String\? +@unique( @db\.VarChar\(191\))?\n/);
        const migration = project.read(`${MIGRATION_DIR}/migration.sql`);
        assert.doesNotMatch(
          migration,
          /ALTER TABLE +["`]users["`] +ADD/,
          "no column added to the app's table",
        );
        assert.match(migration, /["`]email["`] (TEXT|VARCHAR\(191\))/);
        assert.doesNotMatch(migration, /required column/);
        const form = project.read('views/pow/registration/new.ejs');
        assert.match(form, /<input id="name" name="name" type="text" required/);
        assert.match(form, /<input id="age" name="age" type="number" step="1" required/);
      },
    );

    await t.test('pow migrate applies to the table with rows; the rows stay as they were', async () => {
      const res = await project.pow(['migrate']);
      assert.equal(res.code, 0, res.stderr + res.stdout);
      const rows = await projectSql(project, `SELECT * FROM "users" ORDER BY "id"`);
      assert.deepEqual(
        rows.map((r) => Object.keys(r).sort()),
        [
          ['age', 'created_at', 'id', 'name', 'role'],
          ['age', 'created_at', 'id', 'name', 'role'],
        ],
      );
      assert.deepEqual(
        rows.map((r) => [r.id, r.name]),
        [
          ['u1', 'Ada'],
          ['u2', 'Grace'],
        ],
      );
    });

    await t.test('prisma generate, then strict tsc --noEmit passes', async () => {
      await prismaGenerate(project);
      await typecheck(project);
    });

    await t.test('sign-up over HTTP: a bad age is a field error, a good one creates the user', async () => {
      app = await bootWithTsx(project, 'src/server.ts');
      const browser = new HttpClient(app.url);
      const password = 'purple-otter-maps-42-quietly';
      const fields = {
        email: 'ada@example.com',
        password,
        password_confirmation: password,
        name: 'Ada Lovelace',
      };
      const page = await browser.get('/registration/new');
      assert.equal(page.status, 200);
      const bad = await browser.post('/registration', {
        _csrf: csrfTokenFrom(page.body),
        ...fields,
        age: 'thirty',
      });
      assert.equal(bad.status, 422, bad.body.slice(0, 1500));
      assert.match(bad.body, /id="age-error">Age must be a whole number\.</);
      const missing = await browser.post('/registration', {
        _csrf: csrfTokenFrom(bad.body),
        ...fields,
        name: '',
        age: '36',
      });
      assert.equal(missing.status, 422);
      assert.match(missing.body, /id="name-error">Name cannot be empty\.</);
      const created = await browser.post('/registration', {
        _csrf: csrfTokenFrom(missing.body),
        ...fields,
        age: '36',
      });
      assert.equal(created.status, 302, created.body.slice(0, 1500));
      const rows = await projectSql(
        project,
        `SELECT u."name", u."age", c."email" FROM "users" u JOIN "user_credentials" c ON c."user_id" = u."id" WHERE c."email" = 'ada@example.com'`,
      );
      assert.deepEqual(
        rows.map((r) => [r.name, Number(r.age), r.email]),
        [['Ada Lovelace', 36, 'ada@example.com']],
      );
      assert.equal(typeof rows[0].age, 'number');
      const account = await browser.get('/registration/edit');
      assert.match(account.body, /id="age" name="age" type="number" step="1" required value="36"/);
    });
  });
}
