/**
 * Upgrading a project where an earlier pow kept password hashes in `User.passwordHash`, on real
 * SQLite, PostgreSQL and MariaDB databases: the old install's migration is applied, users are
 * stored (two with a hash, one invited without), then `pow install`'s schema edit and migration run
 * again. The new migration creates `UserCredential` and copies every stored hash into it (none for
 * the invited user), leaves the old column alone, and the database matches the schema afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mariadb from 'mariadb';
import pg from 'pg';
import Database from 'better-sqlite3';
import { ensureAuthSchema } from '../../src/prisma/ensure-auth-schema.js';
import { planMigration } from '../../src/prisma/migrations.js';
import { migrate } from '../../src/prisma/migrate.js';
import { diffDatabaseToSchema } from '../../src/prisma/schema-engine.js';
import type { PrismaInfo, PrismaProvider } from '../../src/inspect/project-info.js';
import { MARIADB, PG_URL } from '../helpers/prisma-test-client.js';

const SCHEMA = 'prisma/schema.prisma';
const ds = (provider: string) => `datasource db {\n  provider = "${provider}"\n}\n`;

/** What `pow install` wrote into a schema before credentials had their own table. */
const legacySchema = (provider: string) =>
  ds(provider) +
  `
model User {
  id           Int      @id @default(autoincrement())
  email        String   @unique
  passwordHash String?
  createdAt    DateTime @default(now())
  updatedAt    DateTime @updatedAt
}
`;

const HASHES = {
  'ada@example.com': '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$YWRhLWhhc2gtYWRhLWhhc2gtYWRhLWhhc2g',
  'bob@example.com': '$2a$10$abcdefghijklmnopqrstuuMFt0cYkS5bL3yFQ0k4kq0QFh1N4qS3K',
};

interface Db {
  url: string;
  query(sql: string): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

async function database(provider: PrismaProvider, root: string): Promise<Db> {
  const name = `pow_upgrade_${randomBytes(5).toString('hex')}`;
  if (provider === 'sqlite') {
    const file = join(root, 'dev.db');
    return {
      url: `file:${file}`,
      async query(sql) {
        const db = new Database(file);
        try {
          return sql.trimStart().startsWith('SELECT') ? (db.prepare(sql).all() as never) : (db.exec(sql), []);
        } finally {
          db.close();
        }
      },
      drop: async () => {},
    };
  }
  if (provider === 'postgresql') {
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const run = async (target: string, sql: string) => {
      const client = new pg.Client({ connectionString: target });
      await client.connect();
      try {
        return (await client.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    };
    await run(PG_URL, `CREATE DATABASE "${name}"`);
    return {
      url: url.toString(),
      query: (sql) => run(url.toString(), sql),
      drop: async () => void (await run(PG_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
    };
  }
  const auth = MARIADB.password ? `${MARIADB.user}:${encodeURIComponent(MARIADB.password)}` : MARIADB.user;
  const run = async (database: string | undefined, sql: string) => {
    const conn = await mariadb.createConnection({ ...MARIADB, database });
    try {
      const rows = (await conn.query(sql)) as unknown;
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    } finally {
      await conn.end();
    }
  };
  await run(undefined, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  return {
    url: `mysql://${auth}@${MARIADB.host}:${MARIADB.port}/${name}`,
    query: (sql) => run(name, sql),
    drop: async () => void (await run(undefined, `DROP DATABASE IF EXISTS \`${name}\``)),
  };
}

function writeAll(root: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

for (const provider of ['sqlite', 'postgresql', 'mysql'] as const) {
  test(`upgrade on ${provider}: the migration copies User.passwordHash into UserCredential and clears the old column`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'pow-upgrade-'));
    const db = await database(provider, root);
    const prismaInfo: Pick<
      PrismaInfo,
      'provider' | 'migrationsDir' | 'schemaPath' | 'urlLocation' | 'multiFile'
    > = {
      provider,
      migrationsDir: 'prisma/migrations',
      schemaPath: SCHEMA,
      urlLocation: 'config',
      multiFile: false,
    };
    let clock = Date.UTC(2025, 5, 1, 12, 0, 0);
    const plan = (before: Record<string, string>, after: Record<string, string>, name: string) =>
      planMigration({
        provider,
        before,
        after,
        root,
        migrationsDir: 'prisma/migrations',
        name,
        now: () => new Date((clock += 1000)),
      });
    try {
      // The project as an earlier pow left it, with users.
      const old = { [SCHEMA]: legacySchema(provider) };
      const init = await plan({ [SCHEMA]: ds(provider) }, old, 'pow_install');
      writeAll(root, { ...old, ...init!.files });
      await migrate({ root, prismaInfo, url: db.url });
      const q = (name: string) => (provider === 'mysql' ? `\`${name}\`` : `"${name}"`);
      const now = provider === 'mysql' ? 'CURRENT_TIMESTAMP(3)' : 'CURRENT_TIMESTAMP';
      await db.query(
        `INSERT INTO ${q('User')} (${q('email')}, ${q('passwordHash')}, ${q('updatedAt')}) VALUES ` +
          `('ada@example.com', '${HASHES['ada@example.com']}', ${now}), ` +
          `('bob@example.com', '${HASHES['bob@example.com']}', ${now}), ` +
          `('invited@example.com', NULL, ${now})`,
      );

      // The upgrade: pow install's schema edit and migration.
      const edit = ensureAuthSchema({ files: old, provider });
      const next = { ...old, ...edit.files };
      assert.match(next[SCHEMA], /\n {2}passwordHash String\?\n/, 'the old column stays');
      assert.equal(edit.security.length, 1, 'and the team is told to drop it');
      const upgrade = await plan(old, next, 'pow_install');
      assert.match(upgrade!.sql, /-- CopyPasswordHashes/);
      writeAll(root, { ...next, ...upgrade!.files });
      assert.deepEqual((await migrate({ root, prismaInfo, url: db.url })).applied, [upgrade!.name]);

      const rows = await db.query(
        `SELECT u.${q('email')} AS email, c.${q('passwordHash')} AS hash, c.${q('updatedAt')} AS stamp ` +
          `FROM ${q('UserCredential')} c JOIN ${q('User')} u ON u.${q('id')} = c.${q('userId')} ORDER BY u.${q('email')}`,
      );
      assert.deepEqual(
        rows.map((r) => [r.email, r.hash]),
        Object.entries(HASHES),
        'every stored hash, none for the invited user',
      );
      assert.ok(rows.every((r) => r.stamp !== null && r.stamp !== undefined));
      // The old column stays but holds no hash any more: whole User rows the app returns carry none.
      const legacyRows = await db.query(
        `SELECT ${q('email')} AS email, ${q('passwordHash')} AS hash FROM ${q('User')}`,
      );
      assert.equal(legacyRows.length, 3);
      assert.deepEqual(
        legacyRows.filter((r) => r.hash !== null),
        [],
        'User.passwordHash is NULL on every row after the migration',
      );
      if (provider !== 'mysql') {
        assert.equal(await diffDatabaseToSchema(db.url, next, { baseDir: root }), '', 'no drift');
      }
      // Deleting a user deletes its credential row (onDelete: Cascade).
      await db.query(`DELETE FROM ${q('User')} WHERE ${q('email')} = 'bob@example.com'`);
      assert.equal((await db.query(`SELECT * FROM ${q('UserCredential')}`)).length, 1);
    } finally {
      await db.drop();
      rmSync(root, { recursive: true, force: true });
    }
  });
}
