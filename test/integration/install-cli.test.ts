/**
 * `pow install` and `pow migrate` on temp copies of the fixtures, in-process (no app boot):
 * flag validation, errors that leave the project byte-identical (broken schema, a conflicting
 * `email Int`, a failing disk mid-apply), the app-factory manual step, options stored for re-runs,
 * a later run that adds an extension (a delta migration, nothing re-added), `--json`, and how
 * `pow migrate` finds the database URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectProject } from '../../src/inspect/inspect-project.js';
import { parseDotenv, resolveDatabaseUrl } from '../../src/commands/migrate.js';
import { PINNED_VERSIONS } from '../../src/deps/versions.js';
import { DEFAULT_INSTALL_OPTIONS, runInstall } from '../../src/recipes/install.js';
import { selectInstallTemplates } from '../../src/recipes/install-templates.js';
import { buildTemplateContext } from '../../src/recipes/template-context.js';
import { isPowError } from '../../src/shared/pow-error.js';
import { copyFixture, hashTree, REPO_ROOT, runPow, type TempProject } from '../helpers/fixtures.js';

const NOW = { POW_NOW: '2026-01-02T03:04:05Z' };

function withCopy(t: { after(fn: () => void): void }, fixture: string): TempProject {
  const copy = copyFixture(fixture, { nodeModules: false });
  t.after(() => copy.cleanup());
  return copy;
}

const read = (copy: TempProject, path: string) => readFileSync(join(copy.dir, path), 'utf8');

test('bad flag values are usage errors (exit 2) naming the flag and the choices; nothing written', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  const before = hashTree(copy.dir);
  const cases: [string[], RegExp][] = [
    [
      ['--session-store', 'disk'],
      /--session-store "disk" is not a session store[\s\S]*Fix: Choose --session-store prisma/,
    ],
    [['--id-type', 'bigint'], /--id-type "bigint"[\s\S]*Fix: Choose --id-type int/],
    [['--extension', 'telepathy'], /--extension "telepathy" is not a pow extension[\s\S]*email-confirmation/],
    [['--user-id-field', 'e-mail'], /--user-id-field "e-mail" is not a Prisma field name/],
    [['--user-id-field', 'email', '--user-id-field', 'email'], /--user-id-field email is given twice/],
    [['--user-model', '1User'], /--user-model "1User" is not a Prisma model name/],
  ];
  for (const [flags, message] of cases) {
    const res = await runPow(['install', '--yes', '--cwd', copy.dir, ...flags], { env: NOW });
    assert.equal(res.code, 2, `${flags.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message);
    assert.equal(res.stdout, '');
  }
  const badClock = await runPow(['install', '--yes', '--cwd', copy.dir], { env: { POW_NOW: 'yesterday' } });
  assert.equal(badClock.code, 2);
  assert.match(badClock.stderr, /POW_NOW="yesterday" is not a date/);
  assert.equal(hashTree(copy.dir), before);
});

test('a schema that does not parse: clear error, nothing written', async (t) => {
  const copy = withCopy(t, 'error-broken-schema');
  const before = hashTree(copy.dir);
  const res = await runPow(['install', '--yes', '--cwd', copy.dir], { env: NOW });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^error: Could not parse the Prisma schema prisma\/schema\.prisma at line 12/m);
  assert.match(res.stderr, /^Fix: /m);
  assert.equal(hashTree(copy.dir), before);
});

test('a User model whose email is an Int: the field conflict is reported, nothing written', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  writeFileSync(
    join(copy.dir, 'prisma/schema.prisma'),
    `${read(copy, 'prisma/schema.prisma')}\nmodel User {\n  id    Int @id @default(autoincrement())\n  email Int @unique\n}\n`,
  );
  const before = hashTree(copy.dir);
  const res = await runPow(['install', '--yes', '--cwd', copy.dir], { env: NOW });
  assert.notEqual(res.code, 0);
  assert.match(
    res.stderr,
    /error: User\.email in prisma\/schema\.prisma:\d+ is `email Int`; pow expects `email String @unique`/,
  );
  assert.match(res.stderr, /Fix: .*pow never retypes a field/);
  const json = await runPow(['install', '--yes', '--json', '--cwd', copy.dir], { env: NOW });
  assert.equal(JSON.parse(json.stdout).error.code, 'POW_PRISMA_FIELD_CONFLICT');
  assert.equal(hashTree(copy.dir), before);
});

test('a write failing part-way: every change rolled back, the project byte-identical', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  const before = hashTree(copy.dir);
  const project = await inspectProject(copy.dir);
  await assert.rejects(
    runInstall({
      root: copy.dir,
      project,
      options: { ...DEFAULT_INSTALL_OPTIONS },
      powVersion: '0.1.0',
      now: () => new Date(NOW.POW_NOW),
      beforeWrite: (_path, index) => {
        if (index === 6) throw new Error('disk full');
      },
    }),
    (error) => isPowError(error) && error.code === 'POW_APPLY_FAILED',
  );
  assert.equal(hashTree(copy.dir), before);
});

test('app built in a factory: one manual step with the exact snippet, exit 0, the rest written', async (t) => {
  const copy = withCopy(t, 'express5-ts-app-factory');
  const appBefore = read(copy, 'src/app.ts');
  const res = await runPow(['install', '--yes', '--cwd', copy.dir], { env: NOW });
  assert.equal(res.code, 0, res.stderr);
  assert.match(
    res.stdout,
    /Manual steps:\n {2}src\/app\.ts: express\(\) is called inside createApp\(\) \(src\/app\.ts:\d+\), so pow cannot tell which app to add its routes to; add these lines where the app is built\n/,
  );
  for (const line of [
    "import { auth } from './pow/config.js';",
    "import { powRoutes } from './routes/pow.js';",
    'app.use(auth.middleware());',
    'app.use(powRoutes);',
  ]) {
    assert.ok(res.stdout.includes(`    ${line}\n`), `snippet line ${line}`);
  }
  assert.equal(read(copy, 'src/app.ts'), appBefore, 'the entry is left alone');
  // No Prisma client module in the app: pow generates one with the SQLite driver adapter.
  assert.match(res.stdout, /^create {4}src\/pow\/prisma\.ts \(new file\)$/m);
  // The adapter is made on first connect, so DATABASE_URL is read after the entry loaded .env.
  assert.match(
    read(copy, 'src/pow/prisma.ts'),
    /adapter: deferredAdapter\(\n {4}'sqlite',\n {4}fromEnv\('DATABASE_URL'\),\n {4}\(url\) => new PrismaBetterSqlite3\(\{ url \}\),/,
  );
  assert.match(read(copy, 'src/pow/config.ts'), /import \{ prisma \} from '\.\/prisma\.js';/);
  assert.match(read(copy, 'prisma/schema.prisma'), /model PowSession \{/);

  // A re-run: pow/prisma.ts is now found as "the app's client module", but it is pow's own file.
  const before = hashTree(copy.dir);
  const again = await runPow(['install', '--yes', '--cwd', copy.dir], { env: NOW });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^identical src\/pow\/prisma\.ts/m);
  assert.equal(hashTree(copy.dir), before);
});

test('options: flags are stored; a re-run without flags reuses them and writes nothing', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  const flags = [
    '--session-store',
    'redis',
    '--id-type',
    'uuid',
    '--user-id-field',
    'email,username',
    '--no-registration',
  ];
  const res = await runPow(['install', '--yes', '--cwd', copy.dir, ...flags], { env: NOW });
  assert.equal(res.code, 0, res.stderr);
  const schema = read(copy, 'prisma/schema.prisma');
  assert.match(schema, /id +String +@id @default\(uuid\(\)\)/);
  assert.match(schema, /username +String\? +@unique/);
  assert.doesNotMatch(schema, /PowSession/, 'sessions live in Redis');
  assert.doesNotMatch(
    res.stdout,
    /^(create|update) .*registration/m,
    'no registration controller, views or routes',
  );
  assert.match(read(copy, '.env.example'), /^REDIS_URL=$/m);
  const pkg = JSON.parse(read(copy, 'package.json')) as { dependencies: Record<string, string> };
  assert.equal(pkg.dependencies.redis, PINNED_VERSIONS.redis);
  assert.match(read(copy, 'src/pow/config.ts'), /store: redisStore\(fromEnv\('REDIS_URL'\)\)/);
  // Development: .env gets a working value (the fixture's .gitignore hides .env).
  assert.match(read(copy, '.env'), /^REDIS_URL=redis:\/\/localhost:6379$/m);
  assert.match(res.stdout, /open http:\/\/localhost:3000\/session\/new/);

  const before = hashTree(copy.dir);
  const again = await runPow(['install', '--yes', '--cwd', copy.dir], {
    env: { POW_NOW: '2026-02-01T00:00:00Z' },
  });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Up to date/);
  assert.equal(hashTree(copy.dir), before);
});

test('a later run with an extension adds only its fields, in a new migration', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  assert.equal((await runPow(['install', '--yes', '--cwd', copy.dir], { env: NOW })).code, 0);
  const res = await runPow(
    ['install', '--yes', '--json', '--extension', 'email-confirmation', '--cwd', copy.dir],
    {
      env: { POW_NOW: '2026-02-01T00:00:00Z' },
    },
  );
  assert.equal(res.code, 0, res.stderr);
  const out = JSON.parse(res.stdout) as {
    migration: { name: string; path: string; generator: string };
    files: { path: string; action: string }[];
    patches: { id: string; status: string }[];
    upToDate: boolean;
  };
  assert.equal(out.upToDate, false);
  assert.equal(out.migration.name, '20260201000000_pow_install');
  assert.equal(out.migration.generator, 'schema-engine');
  assert.deepEqual(
    out.patches.filter((p) => p.id.startsWith('prisma:')),
    [
      {
        id: 'prisma:User.emailConfirmedAt+User.unconfirmedEmail',
        file: 'prisma/schema.prisma',
        status: 'applied',
      },
    ],
  );
  const sql = read(copy, out.migration.path);
  assert.match(sql, /"emailConfirmedAt" DATETIME/);
  assert.doesNotMatch(sql, /pow_sessions/, 'only the delta');
  assert.ok(out.files.some((f) => f.path === 'src/pow/config.ts' && f.action === 'update'));
  assert.match(read(copy, 'src/pow/config.ts'), /extensions: \['email-confirmation'\]/);
  assert.match(
    read(copy, 'prisma/migrations/20260102030405_pow_install/migration.sql'),
    /CREATE TABLE "User"/,
    'the first migration stays',
  );
});

test('pow migrate: the URL comes from --url, the environment or .env; missing → exit 1 (2 is for usage errors)', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  assert.equal((await runPow(['install', '--yes', '--cwd', copy.dir], { env: NOW })).code, 0);
  // The install put the app's own DATABASE_URL (from .env.example) into the new .env.
  assert.match(read(copy, '.env'), /^DATABASE_URL=file:\.\/dev\.db$/m);
  rmSync(join(copy.dir, '.env'));
  const missing = await runPow(['migrate', '--cwd', copy.dir]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /No database URL: DATABASE_URL is not set in the environment nor in \.env\.\nFix: .*DATABASE_URL="file:\.\/dev\.db"/,
  );

  writeFileSync(join(copy.dir, '.env'), '# local\nDATABASE_URL="file:./dev.db"\n');
  // The fixture has no migration history: --init writes the init of Post before pow's (issue 22).
  const applied = await runPow(['migrate', '--init', '--cwd', copy.dir], { env: NOW });
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /^Database: file:\.\/dev\.db \(DATABASE_URL from \.env\)$/m);
  assert.match(
    applied.stdout,
    /Applied 2 migrations from prisma\/migrations \(via Prisma's WebAssembly schema engine\):\n {2}20260102030404_init\n {2}20260102030405_pow_install\n/,
  );
  const json = await runPow(['migrate', '--json', '--cwd', copy.dir, '--url', 'file:./dev.db']);
  assert.deepEqual(JSON.parse(json.stdout), {
    database: 'file:./dev.db',
    migrationsDir: 'prisma/migrations',
    applied: [],
    upToDate: true,
    path: 'schema-engine',
  });
});

test('dotenv reading and URL precedence', () => {
  assert.deepEqual(
    parseDotenv(
      '# c\nexport A=1\nB="two # not a comment"\nC=three # comment\nD=\'4\'\n\nBAD LINE\nE="x\\ny"\r\n',
    ),
    { A: '1', B: 'two # not a comment', C: 'three', D: '4', E: 'x\ny' },
  );
  assert.deepEqual(resolveDatabaseUrl('/nowhere', 'DB', { DB: 'env-url' }, 'flag-url'), {
    url: 'flag-url',
    source: '--url',
  });
  assert.deepEqual(resolveDatabaseUrl('/nowhere', 'DB', { DB: 'env-url' }), {
    url: 'env-url',
    source: 'DB from the environment',
  });
  assert.equal(resolveDatabaseUrl('/nowhere', 'DB', {}), null);
});

test("pinned versions match the ones pow is built and tested with (pow's package.json files)", () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  // ejs is the CLI's dependency (it renders the templates): packages/cli/package.json.
  const cli = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const all = { ...cli.dependencies, ...pkg.devDependencies, ...pkg.dependencies };
  for (const [name, version] of Object.entries(PINNED_VERSIONS)) assert.equal(all[name], version, name);
});

test('interactive (a TTY, no --yes): asks for each open option, shows the plan, asks before writing', async (t) => {
  const prompts = (await import('prompts')).default;
  const { run } = await import('../../src/cli/main.js');
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  let stdout = '';
  const io = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stdout += chunk) },
    cwd: copy.dir,
    env: { NO_COLOR: '1', ...NOW },
    isTTY: true,
  };
  // Answers in question order; --session-store is given, so it is not asked. The last one: "Write these changes?" → no.
  prompts.inject(['User', 'email, username', 'String-cuid', false, [], false]);
  const before = hashTree(copy.dir);
  assert.equal(await run(['install', '--session-store', 'memory'], io), 0, stdout);
  assert.match(stdout, /^create {4}src\/pow\/config\.ts \(new file\)$/m);
  assert.doesNotMatch(stdout, /registration/);
  assert.match(stdout, /Nothing was written\./);
  assert.equal(hashTree(copy.dir), before);

  stdout = '';
  prompts.inject(['User', 'email, username', 'String-cuid', false, [], true]);
  assert.equal(await run(['install', '--session-store', 'memory'], io), 0, stdout);
  assert.match(stdout, /Written: \d+ files\./);
  assert.match(read(copy, 'prisma/schema.prisma'), /id +String +@id @default\(cuid\(\)\)/);
  assert.match(read(copy, 'src/pow/config.ts'), /userIdFields: \['email', 'username'\]/);
  assert.match(read(copy, 'src/pow/config.ts'), /store: memoryStore\(\)/);
});

test('a provider pow writes no SQL for (CockroachDB): schema edited, a manual step for the migration', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  const schemaPath = join(copy.dir, 'prisma/schema.prisma');
  writeFileSync(schemaPath, read(copy, 'prisma/schema.prisma').replace('"sqlite"', '"cockroachdb"'));
  const res = await runPow(['install', '--yes', '--cwd', copy.dir], { env: NOW });
  assert.equal(res.code, 0, res.stderr);
  assert.match(
    res.stdout,
    /Manual steps:\n {2}prisma\/migrations: pow cannot write migrations for the "cockroachdb" provider; create it with Prisma's CLI\n {4}npx prisma migrate dev --name pow_install\n/,
  );
  assert.doesNotMatch(res.stdout, /migration\.sql/);
  assert.match(read(copy, 'prisma/schema.prisma'), /model User \{/);
});

test('template selection: extension files by name, registration and the Prisma client module by option', async () => {
  const project = await inspectProject(join(REPO_ROOT, 'fixtures/express5-ts-esm-sqlite'));
  const ids = [
    'install/pow/__namespace__/config.ts.ejs',
    'install/pow/prisma.ts.ejs',
    'install/controllers/__namespace__/pow/registration.ts.ejs',
    'install/controllers/__namespace__/pow/reset-password.ts.ejs',
    'views/__namespace__/pow/reset_password/new.ejs.ejs',
    'views/__namespace__/pow/mailer/reset_password.html.ejs',
    'views/__namespace__/pow/mailer/layout.html.ejs',
    'views/__namespace__/pow/invitation/new.ejs.ejs',
  ];
  const pick = (options: Parameters<typeof buildTemplateContext>[1]) =>
    selectInstallTemplates(ids, buildTemplateContext(project, options)).map((s) => `${s.prefix}:${s.id}`);
  assert.deepEqual(pick({}), [
    'src:install/pow/__namespace__/config.ts.ejs',
    'src:install/controllers/__namespace__/pow/registration.ts.ejs',
  ]);
  assert.deepEqual(pick({ registration: false, extensions: ['reset-password'] }), [
    'src:install/pow/__namespace__/config.ts.ejs',
    'src:install/controllers/__namespace__/pow/reset-password.ts.ejs',
    'views:views/__namespace__/pow/reset_password/new.ejs.ejs',
    'views:views/__namespace__/pow/mailer/reset_password.html.ejs',
    'views:views/__namespace__/pow/mailer/layout.html.ejs',
  ]);
  const noClient = { ...project, prismaClientModule: null };
  assert.ok(
    selectInstallTemplates(ids, buildTemplateContext(noClient, {})).some(
      (s) => s.id === 'install/pow/prisma.ts.ejs',
    ),
  );
});
