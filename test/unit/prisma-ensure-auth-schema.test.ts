/**
 * ensureAuthSchema: pow's additions to a Prisma schema (fresh, existing User with @@map and uuid
 * id, the credential model that holds password hashes, upgrades from User.passwordHash, conflicts,
 * multi-file, each provider, idempotency, formatting). The last test runs
 * `prisma format --check` / validation on the output (PRISMA_SCHEMA_ENGINE_BINARY names an existing
 * file because `prisma format` otherwise tries to download the native schema engine first, which
 * cannot be reached here, and format does not need the engine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ensureAuthSchema, type EnsureAuthSchemaInput } from '../../src/prisma/ensure-auth-schema.js';
import { PowError } from '../../src/shared/pow-error.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const header = (provider: string, ds = 'db') => `generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource ${ds} {
  provider = "${provider}"
}
`;

const postModel = `
model Post {
  id    Int    @id @default(autoincrement())
  title String
}
`;

/** Asserts `after` is `before` plus inserted lines only (every original line kept, in order). */
function assertOnlyInsertions(before: string, after: string) {
  const a = before.split('\n');
  const b = after.split('\n');
  let j = 0;
  for (const line of a) {
    while (j < b.length && b[j] !== line) j++;
    assert.ok(j < b.length, `original line lost: ${JSON.stringify(line)}`);
    j++;
  }
}

test('fresh schema (no User): creates User, UserCredential and PowSession, appended after the existing models', () => {
  const before = header('sqlite') + postModel;
  const result = ensureAuthSchema({
    files: { 'prisma/schema.prisma': before },
    provider: 'sqlite',
    options: { sessionStore: 'prisma', tableName: 'users' },
  });
  assert.equal(result.status, 'applied');
  assert.deepEqual(Object.keys(result.files), ['prisma/schema.prisma']);
  assert.equal(
    result.files['prisma/schema.prisma'],
    before +
      `
model User {
  id         Int             @id @default(autoincrement())
  email      String          @unique
  credential UserCredential?
  createdAt  DateTime        @default(now())
  updatedAt  DateTime        @updatedAt

  @@map("users")
}

model UserCredential {
  userId       Int      @id
  passwordHash String
  updatedAt    DateTime @updatedAt
  user         User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("user_credentials")
}

model PowSession {
  namespace String
  key       String
  value     String
  expiresAt DateTime

  @@id([namespace, key])
  @@index([expiresAt])
  @@map("pow_sessions")
}
`,
  );
  assert.deepEqual(
    result.added.map((a) => [a.kind, a.model]),
    [
      ['model', 'User'],
      ['model', 'UserCredential'],
      ['model', 'PowSession'],
    ],
  );
  assert.deepEqual(result.userModel, {
    name: 'User',
    file: 'prisma/schema.prisma',
    tableName: 'users',
    created: true,
    idField: 'id',
    idType: 'Int',
  });
});

test('idempotent: running on its own output changes nothing', () => {
  const input: EnsureAuthSchemaInput = {
    files: { 'prisma/schema.prisma': header('postgresql') + postModel },
    provider: 'postgresql',
    options: {
      sessionStore: 'prisma',
      extensions: ['email-confirmation', 'invitation'],
      userIdFields: ['email', 'username'],
    },
  };
  const first = ensureAuthSchema(input);
  const second = ensureAuthSchema({ ...input, files: { ...input.files, ...first.files } });
  assert.equal(second.status, 'already-present');
  assert.deepEqual(second.files, {});
  assert.deepEqual(second.added, []);
});

test("existing User with @@map and uuid id: only the credential relation goes into User; pow's fields go into UserCredential", () => {
  const before =
    header('postgresql') +
    `
/// Our users
model User {
  id        String   @id @default(uuid())
  name      String?  // display name
  createdAt DateTime @default(now())

  // keep this comment
  @@map("app_users")
}
`;
  const result = ensureAuthSchema({
    files: { 'prisma/schema.prisma': before },
    provider: 'postgresql',
    options: { sessionStore: 'memory', extensions: ['invitation'] },
  });
  const after = result.files['prisma/schema.prisma'];
  assertOnlyInsertions(before, after);
  assert.ok(
    after.includes(`  createdAt DateTime @default(now())

  credential UserCredential?

  // keep this comment
  @@map("app_users")
}`),
    after,
  );
  // The credential model's key mirrors the user id; the table follows the model's @@map. The
  // sign-in id and the invitation columns User lacks live there (invitedById without a relation:
  // one relation between the two models is enough).
  assert.ok(
    after.endsWith(`
model UserCredential {
  userId               String    @id
  passwordHash         String
  email                String?   @unique
  invitedById          String?
  invitationAcceptedAt DateTime?
  updatedAt            DateTime  @updatedAt
  user                 User      @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("user_credentials")
}
`),
    after,
  );
  assert.deepEqual(result.userModel, {
    name: 'User',
    file: 'prisma/schema.prisma',
    tableName: 'app_users',
    created: false,
    idField: 'id',
    idType: 'String',
  });
  assert.deepEqual(
    result.added.map((a) => a.field),
    ['credential', undefined],
  );
  assert.deepEqual(result.security, [], 'no old hash column');
});

test('snake_case columns: new multi-word fields follow the model with @map', () => {
  const before =
    header('sqlite') +
    `
model Account {
  id        Int      @id @default(autoincrement())
  fullName  String?  @map("full_name")
  createdAt DateTime @default(now()) @map("created_at")

  @@map("accounts")
}
`;
  const result = ensureAuthSchema({
    files: { 'schema.prisma': before },
    provider: 'sqlite',
    options: { userModel: 'Account', extensions: ['email-confirmation'] },
  });
  const after = result.files['schema.prisma'];
  assert.ok(
    after.includes(
      '  createdAt DateTime @default(now()) @map("created_at")\n\n  credential AccountCredential?\n\n',
    ),
    after,
  );
  // The credential model of `Account` follows its naming: snake_case columns, a mapped table.
  assert.ok(
    after.endsWith(`
model AccountCredential {
  userId           Int       @id @map("user_id")
  passwordHash     String    @map("password_hash")
  email            String?   @unique
  emailConfirmedAt DateTime? @map("email_confirmed_at")
  unconfirmedEmail String?   @map("unconfirmed_email")
  updatedAt        DateTime  @updatedAt @map("updated_at")
  user             Account   @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@map("account_credentials")
}
`),
    after,
  );
});

test('conflict: a field pow needs with another type is POW_PRISMA_FIELD_CONFLICT naming file, model, field, found and expected', () => {
  const before =
    header('sqlite') + `\nmodel User {\n  id    Int @id @default(autoincrement())\n  email Int\n}\n`;
  assert.throws(
    () => ensureAuthSchema({ files: { 'prisma/schema.prisma': before }, provider: 'sqlite' }),
    (error: unknown) => {
      assert.ok(error instanceof PowError);
      assert.equal(error.code, 'POW_PRISMA_FIELD_CONFLICT');
      assert.equal(error.exitCode, 3);
      assert.match(
        error.message,
        /User\.email in prisma\/schema\.prisma:12 is `email Int`; pow expects `email String @unique`/,
      );
      assert.ok(error.fix && error.fix.includes('prisma/schema.prisma'), error.fix);
      return true;
    },
  );
});

test('conflict: a user id field without a unique constraint needs @unique (fix line shows it)', () => {
  const before =
    header('sqlite') + `\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String\n}\n`;
  assert.throws(
    () => ensureAuthSchema({ files: { 'prisma/schema.prisma': before }, provider: 'sqlite' }),
    (error: unknown) => {
      assert.ok(error instanceof PowError);
      assert.equal(error.code, 'POW_PRISMA_FIELD_CONFLICT');
      assert.match(error.message, /has no unique constraint/);
      assert.equal(
        error.fix,
        'Add @unique to it in prisma/schema.prisma: `email String @unique`, then run pow again.',
      );
      return true;
    },
  );
  // @@unique([email]) counts as unique; an optional email is fine as it is (registration requires it).
  const ok =
    header('sqlite') +
    `\nmodel User {\n  id    Int     @id @default(autoincrement())\n  email String?\n\n  @@unique([email])\n}\n`;
  const result = ensureAuthSchema({ files: { 'prisma/schema.prisma': ok }, provider: 'sqlite' });
  assert.deepEqual(
    result.added.map((a) => a.field ?? a.model),
    ['credential', 'UserCredential'],
  );
  assert.deepEqual(result.notes, []);
});

test('conflict: an invitation relation field name taken by something else, where User has invitedById (an earlier install)', () => {
  // Without invitedById on User, pow keeps it in UserCredential and adds no invitation relation
  // to User: the app's own `invitedBy` is left alone.
  const own =
    header('sqlite') +
    `\nmodel User {\n  id        Int    @id @default(autoincrement())\n  email     String @unique\n  invitedBy String?\n}\n`;
  const kept = ensureAuthSchema({
    files: { 'prisma/schema.prisma': own },
    provider: 'sqlite',
    options: { extensions: ['invitation'] },
  });
  assert.deepEqual(
    kept.added.map((a) => a.field ?? a.model),
    ['credential', 'UserCredential'],
  );
  const before =
    header('sqlite') +
    `\nmodel User {\n  id          Int    @id @default(autoincrement())\n  email       String @unique\n  invitedById Int?\n  invitedBy   String?\n}\n`;
  assert.throws(
    () =>
      ensureAuthSchema({
        files: { 'prisma/schema.prisma': before },
        provider: 'sqlite',
        options: { extensions: ['invitation'] },
      }),
    (error: unknown) =>
      error instanceof PowError &&
      error.code === 'POW_PRISMA_FIELD_CONFLICT' &&
      /invitedBy/.test(error.message),
  );
});

test('upgrade: a User.passwordHash pow added earlier stays; UserCredential is added and a security note says to drop it', () => {
  const before =
    header('postgresql') +
    `\nmodel User {\n  id           Int     @id @default(autoincrement())\n  email        String  @unique\n  passwordHash String?\n}\n`;
  const input: EnsureAuthSchemaInput = { files: { 'prisma/schema.prisma': before }, provider: 'postgresql' };
  const result = ensureAuthSchema(input);
  const after = result.files['prisma/schema.prisma'];
  assertOnlyInsertions(before, after);
  assert.ok(after.includes('  passwordHash String?\n\n  credential UserCredential?\n}'), after);
  assert.deepEqual(
    result.added.map((a) => a.field ?? a.model),
    ['credential', 'UserCredential'],
  );
  assert.equal(result.security.length, 1);
  assert.match(
    result.security[0],
    /^User\.passwordHash is no longer used by pow: password hashes live in UserCredential \(pow's migration copies the existing ones there, then sets the old column to NULL\)\. Until that migration has run, whole User rows still carry the old hashes; once it has run everywhere, remove `passwordHash` from model User in prisma\/schema\.prisma/,
  );
  // A required passwordHash is not one pow added (it added `String?`): the migration does not clear it.
  const required = ensureAuthSchema({
    ...input,
    files: { 'prisma/schema.prisma': before.replace('passwordHash String?', 'passwordHash String ') },
  });
  assert.match(required.security[0], /The column is required, so pow does not clear it/);
  // Idempotent, and the note stays until the column is gone.
  const again = ensureAuthSchema({ ...input, files: { ...input.files, ...result.files } });
  assert.equal(again.status, 'already-present');
  assert.equal(again.security.length, 1);
  const dropped = after.replace('  passwordHash String?\n', '');
  assert.deepEqual(ensureAuthSchema({ ...input, files: { 'prisma/schema.prisma': dropped } }).security, []);
});

test("conflict: a model of the app's own named UserCredential, or a User.credential of another type", () => {
  const passkeys =
    header('sqlite') +
    `\nmodel User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n\nmodel UserCredential {\n  id        String @id\n  publicKey Bytes\n}\n`;
  assert.throws(
    () => ensureAuthSchema({ files: { 'prisma/schema.prisma': passkeys }, provider: 'sqlite' }),
    (error: unknown) => {
      assert.ok(error instanceof PowError);
      assert.equal(error.code, 'POW_PRISMA_MODEL_CONFLICT');
      assert.match(error.message, /^Model UserCredential in prisma\/schema\.prisma:15 is not pow's/);
      assert.match(
        error.fix ?? '',
        /Rename your model in prisma\/schema\.prisma \(add @@map\("UserCredential"\)/,
      );
      return true;
    },
  );
  const taken =
    header('sqlite') +
    `\nmodel User {\n  id         Int     @id @default(autoincrement())\n  email      String  @unique\n  credential String?\n}\n`;
  assert.throws(
    () => ensureAuthSchema({ files: { 'prisma/schema.prisma': taken }, provider: 'sqlite' }),
    (error: unknown) => {
      assert.ok(error instanceof PowError);
      assert.equal(error.code, 'POW_PRISMA_FIELD_CONFLICT');
      assert.match(
        error.message,
        /User\.credential .* is `credential String\?`; pow expects `credential UserCredential\?`/,
      );
      assert.match(
        error.fix ?? '',
        /pow needs the name for the relation to the model that holds password hashes/,
      );
      return true;
    },
  );
});

test('multi-file: the relation goes where User is declared, new models (with the e-mail) into pow.prisma', () => {
  const files = {
    'prisma/schema/schema.prisma': header('postgresql'),
    'prisma/schema/user.prisma': `model User {\n  id   Int     @id @default(autoincrement())\n  name String?\n}\n`,
    'prisma/schema/post.prisma': postModel.trimStart(),
  };
  const result = ensureAuthSchema({
    files,
    provider: 'postgresql',
    multiFileDir: 'prisma/schema',
    options: { sessionStore: 'prisma' },
  });
  assert.deepEqual(Object.keys(result.files), ['prisma/schema/pow.prisma', 'prisma/schema/user.prisma']);
  assert.equal(
    result.files['prisma/schema/user.prisma'],
    `model User {\n  id   Int     @id @default(autoincrement())\n  name String?\n\n  credential UserCredential?\n}\n`,
  );
  assert.ok(result.files['prisma/schema/pow.prisma'].startsWith('model UserCredential {\n'));
  assert.match(result.files['prisma/schema/pow.prisma'], /\n {2}email +String\? +@unique\n/);
  assert.match(result.files['prisma/schema/pow.prisma'], /\n\nmodel PowSession \{\n/);
  assert.ok(result.added.some((a) => a.kind === 'file' && a.file === 'prisma/schema/pow.prisma'));

  // Without a User model, the model goes to pow.prisma too; a second run is a no-op.
  const noUser = {
    'prisma/schema/schema.prisma': header('postgresql'),
    'prisma/schema/post.prisma': postModel.trimStart(),
  };
  const created = ensureAuthSchema({
    files: noUser,
    provider: 'postgresql',
    multiFileDir: 'prisma/schema',
    options: { sessionStore: 'prisma' },
  });
  assert.deepEqual(Object.keys(created.files), ['prisma/schema/pow.prisma']);
  assert.ok(created.files['prisma/schema/pow.prisma'].startsWith('model User {\n'));
  assert.equal(created.userModel.file, 'prisma/schema/pow.prisma');
  const again = ensureAuthSchema({
    files: { ...noUser, ...created.files },
    provider: 'postgresql',
    multiFileDir: 'prisma/schema',
    options: { sessionStore: 'prisma' },
  });
  assert.equal(again.status, 'already-present');
});

test('mysql: indexed strings get @db.VarChar(191), the session value @db.Text, with the datasource name', () => {
  const result = ensureAuthSchema({
    files: { 'schema.prisma': header('mysql', 'main') },
    provider: 'mysql',
    options: {
      sessionStore: 'prisma',
      idType: 'String-cuid',
      extensions: ['invitation'],
      userIdFields: ['email', 'username'],
    },
  });
  const text = result.files['schema.prisma'];
  assert.ok(
    text.includes('  id                   String          @id @default(cuid()) @main.VarChar(191)\n'),
    text,
  );
  assert.ok(text.includes('  email                String          @unique @main.VarChar(191)\n'), text);
  assert.ok(text.includes('  username             String?         @unique @main.VarChar(191)\n'), text);
  assert.ok(text.includes('  invitedById          String?         @main.VarChar(191)\n'), text);
  assert.ok(text.includes('  namespace String   @main.VarChar(191)\n'), text);
  assert.ok(text.includes('  value     String   @main.Text\n'), text);
  // The credential key mirrors the id's native type; hashes outgrow VARCHAR(191).
  assert.ok(text.includes('  userId       String   @id @main.VarChar(191)\n'), text);
  assert.ok(text.includes('  passwordHash String   @main.Text\n'), text);
});

test('sqlite and postgresql: plain types, invitation id copies the id type', () => {
  for (const provider of ['sqlite', 'postgresql'] as const) {
    const result = ensureAuthSchema({
      files: { 'schema.prisma': header(provider) },
      provider,
      options: { idType: 'String-uuid', extensions: ['invitation'] },
    });
    const text = result.files['schema.prisma'];
    assert.ok(text.includes('  id                   String          @id @default(uuid())\n'), text);
    assert.ok(text.includes('  invitedById          String?\n'), text);
    assert.ok(text.includes('  userId       String   @id\n'), text);
    assert.ok(!text.includes('@db.'), text);
  }
});

test('existing model with a native id type: invitedById and the credential key copy it', () => {
  const before =
    header('mysql') +
    `\nmodel User {\n  id    String @id @default(uuid()) @db.Char(36)\n  email String @unique\n}\n`;
  const result = ensureAuthSchema({
    files: { 's.prisma': before },
    provider: 'mysql',
    options: { extensions: ['invitation'] },
  });
  assert.ok(
    result.files['s.prisma'].includes('  invitedById          String?   @db.Char(36)\n'),
    result.files['s.prisma'],
  );
  assert.ok(
    result.files['s.prisma'].includes('  userId               String    @id @db.Char(36)\n'),
    result.files['s.prisma'],
  );
});

test('CRLF files keep CRLF', () => {
  const before = (header('sqlite') + `\nmodel User {\n  id Int @id @default(autoincrement())\n}\n`).replace(
    /\n/g,
    '\r\n',
  );
  const result = ensureAuthSchema({
    files: { 's.prisma': before },
    provider: 'sqlite',
    options: { sessionStore: 'prisma' },
  });
  const after = result.files['s.prisma'];
  assert.ok(!after.replace(/\r\n/g, '').includes('\n'), 'a bare LF was introduced');
});

test('syntax error: POW_PRISMA_SCHEMA_INVALID naming file and line, with a fix', () => {
  const broken = header('sqlite') + `\nmodel User {\n  id Int @id\n  email String @unique(\n}\n`;
  assert.throws(
    () => ensureAuthSchema({ files: { 'prisma/schema.prisma': broken }, provider: 'sqlite' }),
    (error: unknown) => {
      assert.ok(error instanceof PowError);
      assert.equal(error.code, 'POW_PRISMA_SCHEMA_INVALID');
      assert.match(error.message, /^Could not parse the Prisma schema prisma\/schema\.prisma:12:\d+: /);
      assert.ok(!error.message.includes('\n'), error.message);
      assert.match(error.fix ?? '', /npx prisma validate/);
      return true;
    },
  );
});

test('unsupported providers are refused with a fix line', () => {
  assert.throws(
    () => ensureAuthSchema({ files: { 's.prisma': header('mongodb') }, provider: 'mongodb' }),
    (error: unknown) =>
      error instanceof PowError && error.code === 'POW_PRISMA_PROVIDER_UNSUPPORTED' && !!error.fix,
  );
});

test('prisma format --check accepts the output unchanged (and so validates it)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pow-prisma-fmt-'));
  try {
    const cases: Record<string, string> = {};
    const fresh = ensureAuthSchema({
      files: { 'schema.prisma': header('sqlite') + postModel },
      provider: 'sqlite',
      options: {
        sessionStore: 'prisma',
        extensions: ['email-confirmation', 'invitation'],
        userIdFields: ['email', 'username'],
      },
    });
    cases['sqlite/schema.prisma'] = fresh.files['schema.prisma'];
    const existing = ensureAuthSchema({
      files: {
        'schema.prisma':
          header('mysql') +
          `\nmodel User {\n  id        String   @id @default(uuid()) @db.Char(36)\n  name      String?\n  createdAt DateTime @default(now())\n\n  @@map("users")\n}\n`,
      },
      provider: 'mysql',
      options: { sessionStore: 'prisma', extensions: ['invitation', 'email-confirmation'] },
    });
    cases['mysql/schema.prisma'] = existing.files['schema.prisma'];
    const pg = ensureAuthSchema({
      files: {
        'schema.prisma':
          header('postgresql') +
          `\nmodel User {\n  id   Int     @id @default(autoincrement())\n  name String?\n}\n`,
      },
      provider: 'postgresql',
      options: { sessionStore: 'prisma', extensions: ['invitation'], idType: 'String-uuid' },
    });
    cases['pg/schema.prisma'] = pg.files['schema.prisma'];
    await Promise.all(
      Object.entries(cases).map(async ([file, text]) => {
        const path = join(dir, file);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
        try {
          await run(join(ROOT, 'node_modules/.bin/prisma'), ['format', '--check', '--schema', path], {
            cwd: dirname(path),
            // `prisma format` first tries to download the native schema engine unless this names an
            // existing file; it does not need the engine, and downloads are impossible here.
            env: {
              ...process.env,
              PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
              CHECKPOINT_DISABLE: '1',
              PRISMA_HIDE_UPDATE_MESSAGE: '1',
            },
          });
        } catch (error) {
          const e = error as { stdout?: string; stderr?: string };
          assert.fail(`prisma format --check failed for ${file}:\n${e.stdout}\n${e.stderr}\n---\n${text}`);
        }
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a User model pow created in an earlier run (userModelIsPows) keeps getting pow's fields itself", () => {
  const first = ensureAuthSchema({ files: { 's.prisma': header('sqlite') }, provider: 'sqlite' });
  const rerun = (userModelIsPows: boolean) =>
    ensureAuthSchema({
      files: first.files,
      provider: 'sqlite',
      options: { userIdFields: ['email', 'username'], extensions: ['email-confirmation'], userModelIsPows },
    });
  const pows = rerun(true);
  assert.deepEqual(
    pows.added.map((a) => `${a.model}.${a.field}`),
    ['User.username', 'User.emailConfirmedAt', 'User.unconfirmedEmail'],
  );
  // The same model taken for the app's own: nothing on User, all in UserCredential.
  const apps = rerun(false);
  assert.deepEqual(
    apps.added.map((a) => `${a.model}.${a.field}`),
    ['UserCredential.username', 'UserCredential.emailConfirmedAt', 'UserCredential.unconfirmedEmail'],
  );
});

test('oauth: a UserIdentity model keyed like the user id, unique on provider + providerUserId; User gets only the relation', () => {
  const before =
    header('postgresql') +
    `
model User {
  id        String   @id @default(uuid()) @db.Uuid
  email     String   @unique
  createdAt DateTime @default(now()) @map("created_at")

  @@map("app_users")
}
`;
  const input: EnsureAuthSchemaInput = {
    files: { 'prisma/schema.prisma': before },
    provider: 'postgresql',
    options: { sessionStore: 'memory', extensions: ['oauth'] },
  };
  const result = ensureAuthSchema(input);
  const after = result.files['prisma/schema.prisma']!;
  assertOnlyInsertions(before, after);
  const user = /model User \{[^}]*\}/.exec(after)![0];
  assert.match(user, /identities UserIdentity\[\]/);
  assert.doesNotMatch(user, /provider/, 'no column on the app’s User');
  const identity = /model UserIdentity \{[^}]*\}/.exec(after)![0];
  assert.match(identity, /providerUserId String {3}@map\("provider_user_id"\)/);
  assert.match(identity, /userId {9}String {3}@db\.Uuid @map\("user_id"\)/);
  assert.match(
    identity,
    /user {11}User {5}@relation\(fields: \[userId\], references: \[id\], onDelete: Cascade\)/,
  );
  assert.match(identity, /@@unique\(\[provider, providerUserId\]\)/);
  assert.match(identity, /@@map\("user_identities"\)/);
  assert.ok(result.added.some((a) => a.kind === 'model' && a.model === 'UserIdentity'));
  const again = ensureAuthSchema({ ...input, files: { 'prisma/schema.prisma': after } });
  assert.equal(again.status, 'already-present');
});
