/**
 * MySQL/MariaDB path (pow-mysql-templates): the DDL pow renders is applied on a real MariaDB by
 * pow's runner, then checked through information_schema, `_prisma_migrations` (Prisma's DDL and
 * rows), a delta migration, failure handling, and a real Prisma Client (generated into a temp dir,
 * @prisma/adapter-mariadb) that creates and reads users. Databases `pow_prisma_my_<random>[_b]`
 * are created by the runner (like `prisma migrate deploy`) and dropped at the end.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import mariadb from 'mariadb';
import { ensureAuthSchema } from '../../src/prisma/ensure-auth-schema.js';
import { planMigration, type PlannedMigration } from '../../src/prisma/migrations.js';
import { migrate } from '../../src/prisma/migrate.js';
import { applyMysqlMigrations, MYSQL_MIGRATIONS_TABLE_DDL } from '../../src/prisma/mysql-ddl.js';
import { migrationChecksum, readAppliedMigrations } from '../../src/prisma/migration-records.js';
import type { PrismaInfo } from '../../src/inspect/project-info.js';
import { PowError } from '../../src/shared/pow-error.js';
import { createTwoFactor } from '../../src/runtime/extensions/two-factor.js';
import { createSecurityEvents } from '../../src/runtime/core/security-events.js';
import { timeStep, totpCode } from '../../src/runtime/extensions/totp.js';
import type { Pow } from '../../src/runtime/core/types.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const HOST = process.env.POW_TEST_MARIADB_HOST ?? '127.0.0.1';
const PORT = Number(process.env.POW_TEST_MARIADB_PORT ?? 3306);
const USER = process.env.POW_TEST_MARIADB_USER ?? 'root';
const PASSWORD = process.env.POW_TEST_MARIADB_PASSWORD ?? '';
const DB = `pow_prisma_my_${randomBytes(4).toString('hex')}`;
const DB_B = `${DB}_b`;
const urlFor = (db: string) =>
  `mysql://${encodeURIComponent(USER)}${PASSWORD ? `:${encodeURIComponent(PASSWORD)}` : ''}@${HOST}:${PORT}/${db}`;

const PRISMA: Pick<PrismaInfo, 'provider' | 'migrationsDir' | 'schemaPath' | 'urlLocation' | 'multiFile'> = {
  provider: 'mysql',
  migrationsDir: 'prisma/migrations',
  schemaPath: 'prisma/schema.prisma',
  urlLocation: 'config',
  multiFile: false,
};
const DS = `generator client {\n  provider = "prisma-client"\n  output   = "../client"\n}\n\ndatasource db {\n  provider = "mysql"\n}\n`;
const BASE =
  DS +
  `\nmodel User {\n  id   Int     @id @default(autoincrement())\n  name String?\n\n  @@map("users")\n}\n`;
const SCHEMA = 'prisma/schema.prisma';

const root = mkdtempSync(join(tmpdir(), 'pow-prisma-my-'));
const rootB = mkdtempSync(join(tmpdir(), 'pow-prisma-my-b-'));
let clock = Date.UTC(2025, 5, 1, 12, 0, 0);
const now = () => new Date((clock += 1000));

async function sql<T = Record<string, unknown>>(
  db: string,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  const conn = await mariadb.createConnection({
    host: HOST,
    port: PORT,
    user: USER,
    password: PASSWORD,
    database: db,
  });
  try {
    return (await conn.query(query, params)) as T[];
  } finally {
    await conn.end();
  }
}

after(async () => {
  rmSync(root, { recursive: true, force: true });
  rmSync(rootB, { recursive: true, force: true });
  const conn = await mariadb.createConnection({ host: HOST, port: PORT, user: USER, password: PASSWORD });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${DB}\``);
    await conn.query(`DROP DATABASE IF EXISTS \`${DB_B}\``);
  } finally {
    await conn.end();
  }
});

/** The part of the generated client this test uses. */
interface UserRow {
  id: number;
  email: string;
  emailConfirmedAt: Date | null;
  invitedBy?: { email: string } | null;
}
interface GeneratedClient {
  user: { create(args: unknown): Promise<UserRow>; findUnique(args: unknown): Promise<UserRow | null> };
  powSession: {
    create(args: unknown): Promise<unknown>;
    findUnique(args: unknown): Promise<{ value: string } | null>;
  };
  $disconnect(): Promise<void>;
}

function writeAll(dir: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

async function planWrite(
  dir: string,
  before: Record<string, string>,
  afterFiles: Record<string, string>,
  name: string,
) {
  const planned = await planMigration({
    provider: 'mysql',
    before,
    after: afterFiles,
    root: dir,
    migrationsDir: 'prisma/migrations',
    name,
    now,
  });
  if (planned) writeAll(dir, planned.files);
  return planned as PlannedMigration;
}

test("existing users table: pow DDL applies on MariaDB, information_schema shows it, history is Prisma's", async () => {
  const init = await planWrite(root, { [SCHEMA]: DS }, { [SCHEMA]: BASE }, 'init');
  assert.equal(init.generator, 'pow-mysql-templates');
  const edit = ensureAuthSchema({
    files: { [SCHEMA]: BASE },
    provider: 'mysql',
    // As for a User model pow created in an earlier run: its fields go on the existing table, which
    // is the DDL under test here (ALTER TABLE, unique indexes, the self-referencing foreign key).
    // An app's own model keeps its table as it was (test/e2e/install-existing-rows.test.ts, mysql).
    options: {
      sessionStore: 'prisma',
      extensions: ['invitation'],
      userIdFields: ['email', 'username'],
      userModelIsPows: true,
    },
  });
  const afterInstall = { [SCHEMA]: BASE, ...edit.files };
  const install = await planWrite(root, { [SCHEMA]: BASE }, afterInstall, 'add_pow_auth');
  assert.equal(install.generator, 'pow-mysql-templates');
  // The unique indexes on email and username (both columns are added nullable to an existing
  // table, so no "required column without a default" warning any more).
  assert.equal(install.warnings.length, 2, install.warnings.join('\n'));
  for (const warning of install.warnings) assert.match(warning, /unique constraint/i);

  assert.deepEqual(await migrate({ root, prismaInfo: PRISMA, url: urlFor(DB), now }), {
    applied: [init.name, install.name],
    path: 'pow-mysql-templates',
  });
  assert.deepEqual(
    (await migrate({ root, prismaInfo: PRISMA, url: urlFor(DB), now })).applied,
    [],
    'second run is a no-op',
  );

  const columns = await sql<{
    COLUMN_NAME: string;
    COLUMN_TYPE: string;
    IS_NULLABLE: string;
    COLUMN_DEFAULT: string | null;
    EXTRA: string;
  }>(
    DB,
    "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION",
  );
  assert.deepEqual(
    columns.map((c) => `${c.COLUMN_NAME} ${c.COLUMN_TYPE} ${c.IS_NULLABLE}${c.EXTRA ? ' ' + c.EXTRA : ''}`),
    [
      'id int(11) NO auto_increment',
      'name varchar(191) YES',
      'email varchar(191) YES',
      'invitationAcceptedAt datetime(3) YES',
      'invitedById int(11) YES',
      'username varchar(191) YES',
    ],
  );
  const indexes = await sql<{
    TABLE_NAME: string;
    INDEX_NAME: string;
    NON_UNIQUE: number | bigint;
    COLUMN_NAME: string;
  }>(
    DB,
    "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('users', 'pow_sessions') ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
  );
  assert.deepEqual(
    indexes
      .map((i) => `${i.TABLE_NAME}.${i.INDEX_NAME}(${i.COLUMN_NAME})${Number(i.NON_UNIQUE) ? '' : ' unique'}`)
      .sort(),
    [
      'pow_sessions.PRIMARY(key) unique',
      'pow_sessions.PRIMARY(namespace) unique',
      'pow_sessions.pow_sessions_expiresAt_idx(expiresAt)',
      'users.PRIMARY(id) unique',
      'users.users_email_key(email) unique',
      'users.users_invitedById_fkey(invitedById)', // MySQL's implicit foreign-key index
      'users.users_username_key(username) unique',
    ],
  );
  const fks = await sql<Record<string, string>>(
    DB,
    'SELECT CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()',
  );
  assert.deepEqual(fks, [
    {
      CONSTRAINT_NAME: 'user_credentials_userId_fkey',
      TABLE_NAME: 'user_credentials',
      REFERENCED_TABLE_NAME: 'users',
      DELETE_RULE: 'CASCADE',
      UPDATE_RULE: 'CASCADE',
    },
    {
      CONSTRAINT_NAME: 'users_invitedById_fkey',
      TABLE_NAME: 'users',
      REFERENCED_TABLE_NAME: 'users',
      DELETE_RULE: 'SET NULL',
      UPDATE_RULE: 'CASCADE',
    },
  ]);
  const session = await sql<{ COLUMN_NAME: string; COLUMN_TYPE: string }>(
    DB,
    "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'pow_sessions' ORDER BY ORDINAL_POSITION",
  );
  assert.deepEqual(
    session.map((c) => `${c.COLUMN_NAME} ${c.COLUMN_TYPE}`),
    ['namespace varchar(191)', 'key varchar(191)', 'value text', 'expiresAt datetime(3)'],
  );
  const collation = await sql<{ TABLE_COLLATION: string }>(
    DB,
    "SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'pow_sessions'",
  );
  assert.equal(collation[0].TABLE_COLLATION, 'utf8mb4_unicode_ci');

  // _prisma_migrations: Prisma's table and rows.
  const historyColumns = await sql<{
    COLUMN_NAME: string;
    COLUMN_TYPE: string;
    IS_NULLABLE: string;
    COLUMN_DEFAULT: string | null;
  }>(
    DB,
    "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_prisma_migrations' ORDER BY ORDINAL_POSITION",
  );
  assert.deepEqual(
    historyColumns.map((c) => `${c.COLUMN_NAME} ${c.COLUMN_TYPE} ${c.IS_NULLABLE} ${c.COLUMN_DEFAULT}`),
    [
      'id varchar(36) NO null',
      'checksum varchar(64) NO null',
      'finished_at datetime(3) YES NULL',
      'migration_name varchar(255) NO null',
      'logs text YES NULL',
      'rolled_back_at datetime(3) YES NULL',
      'started_at datetime(3) NO current_timestamp(3)',
      'applied_steps_count int(10) unsigned NO 0',
    ],
  );
  assert.ok(MYSQL_MIGRATIONS_TABLE_DDL.includes('DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci'));
  const rows = await sql<Record<string, unknown>>(DB, 'SELECT * FROM _prisma_migrations ORDER BY started_at');
  assert.deepEqual(
    rows.map((r) => r.migration_name),
    [init.name, install.name],
  );
  for (const row of rows) {
    const script = readFileSync(
      join(root, 'prisma/migrations', row.migration_name as string, 'migration.sql'),
      'utf8',
    );
    assert.match(row.id as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(row.checksum, createHash('sha256').update(script).digest('hex'));
    assert.equal(Number(row.applied_steps_count), 1);
    assert.equal(row.logs, null);
    assert.equal(row.rolled_back_at, null);
    assert.ok(row.finished_at instanceof Date && row.started_at instanceof Date);
    assert.ok((row.finished_at as Date).getTime() >= (row.started_at as Date).getTime());
  }

  // Later: the email-confirmation extension → exactly its columns.
  const ext = ensureAuthSchema({
    files: afterInstall,
    provider: 'mysql',
    options: {
      sessionStore: 'prisma',
      extensions: ['invitation', 'email-confirmation'],
      userIdFields: ['email', 'username'],
      userModelIsPows: true,
    },
  });
  const afterExt = { ...afterInstall, ...ext.files };
  const delta = await planWrite(root, afterInstall, afterExt, 'add_pow_email_confirmation');
  assert.equal(
    delta.sql,
    '-- AlterTable\nALTER TABLE `users` ADD COLUMN `emailConfirmedAt` DATETIME(3) NULL,\n    ADD COLUMN `unconfirmedEmail` VARCHAR(191) NULL;\n',
  );
  assert.deepEqual((await migrate({ root, prismaInfo: PRISMA, url: urlFor(DB), now })).applied, [delta.name]);
  assert.equal(
    await planMigration({
      provider: 'mysql',
      before: afterExt,
      after: afterExt,
      root,
      migrationsDir: 'prisma/migrations',
      name: 'again',
      now,
    }),
    null,
  );

  // Later still: two-factor → one new table off the credential model (mapped like it), nothing else.
  const twoFactor = ensureAuthSchema({
    files: afterExt,
    provider: 'mysql',
    options: {
      sessionStore: 'prisma',
      extensions: ['invitation', 'email-confirmation', 'two-factor'],
      userIdFields: ['email', 'username'],
      userModelIsPows: true,
    },
  });
  const afterTwoFactor = { ...afterExt, ...twoFactor.files };
  const delta2 = await planWrite(root, afterExt, afterTwoFactor, 'add_pow_two_factor');
  assert.match(delta2.sql, /^-- CreateTable\nCREATE TABLE `user_two_factors` \(/);
  assert.match(delta2.sql, /`secret` TEXT NOT NULL,/);
  assert.match(delta2.sql, /`recoveryCodes` TEXT NOT NULL,/);
  assert.match(
    delta2.sql,
    /ALTER TABLE `user_two_factors` ADD CONSTRAINT `user_two_factors_userId_fkey` FOREIGN KEY \(`userId`\) REFERENCES `user_credentials`\(`userId`\) ON DELETE CASCADE/,
  );
  assert.doesNotMatch(delta2.sql, /ALTER TABLE `users`|DROP/);
  assert.deepEqual((await migrate({ root, prismaInfo: PRISMA, url: urlFor(DB), now })).applied, [
    delta2.name,
  ]);

  // A real Prisma Client on the migrated database (generated into a temp dir; `prisma generate`
  // needs PRISMA_SCHEMA_ENGINE_BINARY to name an existing file, or it first tries to download the
  // native schema engine, which is impossible here; generate itself does not use the engine).
  const genDir = mkdtempSync(join(tmpdir(), 'pow-prisma-my-client-'));
  try {
    symlinkSync(join(REPO, 'node_modules'), join(genDir, 'node_modules'), 'dir');
    writeAll(genDir, { [SCHEMA]: afterTwoFactor[SCHEMA] });
    await run(join(REPO, 'node_modules/.bin/prisma'), ['generate', '--schema', join(genDir, SCHEMA)], {
      cwd: genDir,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    });
    const { PrismaClient } = (await import(pathToFileURL(join(genDir, 'client/client.ts')).href)) as {
      PrismaClient: new (options: unknown) => GeneratedClient;
    };
    const { PrismaMariaDb } = await import('@prisma/adapter-mariadb');
    const prisma = new PrismaClient({
      adapter: new PrismaMariaDb({
        host: HOST,
        port: PORT,
        user: USER,
        password: PASSWORD,
        database: DB,
        connectionLimit: 2,
      }),
    });
    try {
      const inviter = await prisma.user.create({
        data: { email: 'ada@example.com', name: 'Ada', credential: { create: { passwordHash: 'x' } } },
      });
      assert.equal('passwordHash' in inviter, false, 'the hash is not a User column');
      const invited = await prisma.user.create({
        data: { email: 'bob@example.com', invitedById: inviter.id },
      });
      const read = await prisma.user.findUnique({
        where: { email: 'bob@example.com' },
        include: { invitedBy: true },
      });
      assert.equal(read?.id, invited.id);
      assert.equal(read?.invitedBy?.email, 'ada@example.com');
      assert.equal(read?.emailConfirmedAt, null);
      await prisma.powSession.create({
        data: {
          namespace: 'session',
          key: 'k1',
          value: 'x'.repeat(5000),
          expiresAt: new Date(Date.now() + 60_000),
        },
      });
      const s = await prisma.powSession.findUnique({
        where: { namespace_key: { namespace: 'session', key: 'k1' } },
      });
      assert.equal(s?.value.length, 5000);

      // two-factor's conditional writes (a code good once, a recovery code once) on MariaDB.
      const pow = {
        userType: 'user',
        userModel: 'User',
        clock: Date.now,
        securityEvents: createSecurityEvents(Date.now),
        users: { hasPassword: async () => true },
      } as unknown as Pow;
      const tf = createTwoFactor(pow, prisma, { encryptionKey: 'mariadb-two-factor-key-0123456789abcdef' });
      const begun = await tf.beginSetup(inviter as never);
      assert.ok(begun.ok);
      const secret = begun.setup.secret.replace(/ /g, '');
      const confirmed = await tf.confirmSetup(inviter as never, totpCode(secret, timeStep(Date.now())));
      assert.ok(confirmed.ok);
      const next = totpCode(secret, timeStep(Date.now()) + 1);
      const verdicts = await Promise.all([tf.verifyCode(inviter.id, next), tf.verifyCode(inviter.id, next)]);
      assert.deepEqual(verdicts.sort(), ['ok', 'reused']);
      const code = confirmed.recoveryCodes[0]!;
      assert.equal(await tf.verifyRecoveryCode(inviter.id, code), true);
      assert.equal(await tf.verifyRecoveryCode(inviter.id, code), false);
    } finally {
      await prisma.$disconnect();
    }
  } finally {
    rmSync(genDir, { recursive: true, force: true });
  }

  // A failing migration: logged like Prisma (logs set, finished_at NULL), later runs refuse (P3009).
  writeAll(root, {
    'prisma/migrations/20990101000000_broken/migration.sql':
      'ALTER TABLE `nope` ADD COLUMN `x` INTEGER NULL;\n',
  });
  await assert.rejects(
    migrate({ root, prismaInfo: PRISMA, url: urlFor(DB), now }),
    (error: unknown) => error instanceof PowError && error.code === 'POW_MIGRATE_FAILED',
  );
  const broken = await sql<Record<string, unknown>>(
    DB,
    "SELECT * FROM _prisma_migrations WHERE migration_name = '20990101000000_broken'",
  );
  assert.equal(broken.length, 1);
  assert.equal(broken[0].finished_at, null);
  assert.equal(Number(broken[0].applied_steps_count), 0);
  assert.match(String(broken[0].logs), /nope/);
  await assert.rejects(
    migrate({ root, prismaInfo: PRISMA, url: urlFor(DB), now }),
    (error: unknown) =>
      error instanceof PowError &&
      error.code === 'POW_MIGRATION_FAILED_BEFORE' &&
      /20990101000000_broken/.test(error.message),
  );
});

test('fresh install on an empty database; a database with tables but no history is refused (P3005)', async () => {
  const edit = ensureAuthSchema({
    files: { [SCHEMA]: DS },
    provider: 'mysql',
    options: {
      sessionStore: 'prisma',
      idType: 'String-uuid',
      extensions: ['invitation', 'email-confirmation'],
    },
  });
  const install = await planWrite(rootB, { [SCHEMA]: DS }, { [SCHEMA]: DS, ...edit.files }, 'add_pow_auth');
  assert.ok(
    install.sql.startsWith('-- CreateTable\nCREATE TABLE `User` (\n    `id` VARCHAR(191) NOT NULL,\n'),
    install.sql,
  );

  // pow status reads the records without creating anything: no database yet, no records.
  assert.equal(await readAppliedMigrations({ provider: 'mysql', url: urlFor(DB_B), baseDir: rootB }), null);
  // The runner creates the database (like migrate deploy); put a stray table in it first.
  const conn = await mariadb.createConnection({ host: HOST, port: PORT, user: USER, password: PASSWORD });
  try {
    await conn.query(`CREATE DATABASE \`${DB_B}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`CREATE TABLE \`${DB_B}\`.\`stray\` (\`id\` INTEGER)`);
  } finally {
    await conn.end();
  }
  await assert.rejects(
    applyMysqlMigrations(urlFor(DB_B), join(rootB, 'prisma/migrations')),
    (error: unknown) => error instanceof PowError && error.code === 'POW_DATABASE_NOT_EMPTY' && !!error.fix,
  );
  assert.equal(
    await readAppliedMigrations({ provider: 'mysql', url: urlFor(DB_B), baseDir: rootB }),
    null,
    'no _prisma_migrations',
  );
  await sql(DB_B, 'DROP TABLE `stray`');
  assert.deepEqual(await applyMysqlMigrations(urlFor(DB_B), join(rootB, 'prisma/migrations')), [
    install.name,
  ]);
  assert.deepEqual(await readAppliedMigrations({ provider: 'mysql', url: urlFor(DB_B), baseDir: rootB }), [
    { name: install.name, checksum: migrationChecksum(install.sql), finished: true, rolledBack: false },
  ]);
  const tables = await sql<{ TABLE_NAME: string }>(
    DB_B,
    'SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
  );
  assert.deepEqual(tables.map((t) => t.TABLE_NAME).sort(), [
    'User',
    'UserCredential',
    '_prisma_migrations',
    'pow_sessions',
  ]);
});
