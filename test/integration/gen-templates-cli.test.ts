/**
 * `pow gen.templates` in-process on temp copies of the fixtures (no app boot; the browser walk is
 * test/e2e/namespace-sqlite.test.ts): bad input is refused with nothing written, the default
 * users' set is re-emitted identically, a namespace writes only under its own paths and wires the
 * entry after the default users' middleware, re-runs write nothing, registration can be turned on
 * and off again, and a CommonJS app gets aliased requires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, hashTree, runPow, type TempProject } from '../helpers/fixtures.js';

const NOW = { POW_NOW: '2026-01-02T03:04:05Z' };

function withCopy(t: { after(fn: () => void): void }, fixture: string): TempProject {
  const copy = copyFixture(fixture, { nodeModules: false });
  t.after(() => copy.cleanup());
  return copy;
}

const read = (copy: TempProject, path: string) => readFileSync(join(copy.dir, path), 'utf8');

async function pow(copy: TempProject, args: string[]) {
  return runPow([...args, '--cwd', copy.dir], { env: NOW });
}

interface JsonResult {
  files: { path: string; action: string }[];
  written: string[];
  deleted: string[];
  upToDate: boolean;
  scope: string;
  options: { userModel: string; registration: boolean; extensions: string[] };
  nextSteps: string[];
  notes: string[];
}

async function powJson(copy: TempProject, args: string[]): Promise<JsonResult> {
  const res = await pow(copy, [...args, '--json']);
  assert.equal(res.code, 0, res.stderr + res.stdout);
  return JSON.parse(res.stdout) as JsonResult;
}

test('before pow install: gen.templates says to install first, writes nothing', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  const before = hashTree(copy.dir);
  for (const args of [['gen.templates'], ['gen.templates', '--namespace', 'admin']]) {
    const res = await pow(copy, [...args, '--yes']);
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stderr, /pow gen\.templates works on a project pow is installed in/);
    assert.match(res.stderr, /Fix: Run `npx pow install` first/);
  }
  assert.equal(hashTree(copy.dir), before);
});

test('gen.templates on an installed ESM TypeScript app', async (t) => {
  const copy = withCopy(t, 'express5-ts-esm-sqlite');
  const installed = await pow(copy, ['install', '--yes']);
  assert.equal(installed.code, 0, installed.stderr);

  await t.test('bad input: usage errors (exit 2) naming the problem; nothing written', async () => {
    const before = hashTree(copy.dir);
    const cases: [string[], RegExp][] = [
      [
        ['--namespace', 'Admin!'],
        /--namespace "Admin!" is not valid: a namespace is a folder name and a URL path segment/,
      ],
      [['--namespace', '../x'], /--namespace "\.\.\/x" is not valid/],
      [['--namespace', 'Admin'], /--namespace "Admin" is not valid/],
      [['--namespace', 'user'], /--namespace user is reserved: "user" is the default user type/],
      [['--namespace', 'pow'], /--namespace pow is reserved: "pow" is the name of pow's own folders/],
      [
        ['--namespace', 'session'],
        /--namespace session is reserved: \/session is a page of the default users/,
      ],
      [['--namespace', ''], /--namespace needs a name/],
      [
        ['--only', 'bogus'],
        /--only "bogus" is not a page group pow generates[\s\S]*Fix: Choose from: layout, session, registration/,
      ],
      [['--only', 'session,views'], /--only "views" is not a page group/],
      [
        ['--only', 'reset-password'],
        /--only reset-password: the reset-password extension is not enabled for the default users/,
      ],
      [['--user-model', 'Admin'], /--user-model needs --namespace/],
      [['--no-registration'], /--\[no-\]registration needs --namespace/],
      [['--extension', 'invitation'], /--extension needs --namespace[\s\S]*npx pow install --extension/],
      [
        ['--namespace', 'admin', '--extension', 'telepathy'],
        /--extension "telepathy" is not a pow extension/,
      ],
      [
        ['--namespace', 'admin', '--user-model', '1Admin'],
        /--user-model "1Admin" is not a Prisma model name/,
      ],
      [
        ['--namespace', 'admin', '--only', 'session'],
        /--only re-emits part of a namespace, but gen\.templates has not written the "admin" namespace yet/,
      ],
      [['--namespace', 'admin', '--bogus'], /unknown option '--bogus'/],
    ];
    for (const [flags, message] of cases) {
      const res = await pow(copy, ['gen.templates', '--yes', ...flags]);
      assert.equal(res.code, 2, `${flags.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, message, flags.join(' '));
      assert.equal(res.stdout, '');
    }
    assert.equal(hashTree(copy.dir), before);
  });

  await t.test(
    "without a namespace: the install's views and controllers, identical; nothing written",
    async () => {
      const before = hashTree(copy.dir);
      const res = await pow(copy, ['gen.templates', '--yes']);
      assert.equal(res.code, 0, res.stderr);
      const lines = res.stdout.split('\n').filter((line) => line.startsWith('identical '));
      assert.deepEqual(
        lines.map((line) => line.split(/\s+/)[1]),
        [
          'src/controllers/pow/registration.ts',
          'src/controllers/pow/session.ts',
          'views/pow/account-bar.ejs',
          'views/pow/error-summary.ejs',
          'views/pow/flash.ejs',
          'views/pow/layout-bottom.ejs',
          'views/pow/layout-top.ejs',
          'views/pow/menu.ejs',
          'views/pow/pow.css',
          'views/pow/registration/edit.ejs',
          'views/pow/registration/new.ejs',
          'views/pow/session/new.ejs',
        ],
        'views and controllers only: no config, routes or entry',
      );
      assert.match(res.stdout, /Up to date: pow gen\.templates has nothing to change, no file was written\./);
      assert.equal(hashTree(copy.dir), before);
    },
  );

  await t.test(
    'a deleted view stays deleted; --force --only session brings back only that group',
    async () => {
      rmSync(join(copy.dir, 'views/pow/session/new.ejs'));
      writeFileSync(join(copy.dir, 'views/pow/pow.css'), '/* restyled */\n');
      const skipped = await pow(copy, ['gen.templates', '--yes']);
      assert.equal(skipped.code, 0, skipped.stderr);
      assert.match(skipped.stdout, /^skip {6}views\/pow\/session\/new\.ejs \(deleted by you/m);
      assert.equal(existsSync(join(copy.dir, 'views/pow/session/new.ejs')), false);

      const json = await powJson(copy, ['gen.templates', '--only', 'session', '--force', '--yes']);
      assert.deepEqual(
        json.written.filter((p) => !p.startsWith('.pow/')),
        ['views/pow/session/new.ejs'],
      );
      assert.deepEqual(
        json.files.map((f) => f.path),
        ['src/controllers/pow/session.ts', 'views/pow/session/new.ejs'],
      );
      assert.equal(read(copy, 'views/pow/pow.css'), '/* restyled */\n', 'layout group untouched');
      assert.equal(json.scope, 'install', "the files stay the install's");
      const manifest = JSON.parse(read(copy, '.pow/manifest.json')) as {
        files: Record<string, { generator: string }>;
      };
      assert.equal(manifest.files['views/pow/session/new.ejs']?.generator, 'install');
    },
  );

  await t.test('a namespace folder holding files pow did not write: exit 1, nothing written', async () => {
    mkdirSync(join(copy.dir, 'src/controllers/admin/pow'), { recursive: true });
    writeFileSync(join(copy.dir, 'src/controllers/admin/pow/legacy.ts'), 'export {};\n');
    const before = hashTree(copy.dir);
    for (const extra of [[], ['--dry-run']]) {
      const res = await pow(copy, ['gen.templates', '--namespace', 'admin', '--yes', ...extra]);
      assert.equal(res.code, 1, res.stderr);
      assert.match(
        res.stderr,
        /The "admin" namespace would write into src\/pow\/admin\/, src\/controllers\/admin\/pow\/, views\/admin\/pow\/ and src\/routes\/admin\/pow\.ts, but src\/controllers\/admin\/pow\/legacy\.ts is already there and pow did not write it\. Nothing was written\./,
      );
      assert.match(res.stderr, /Fix: Choose another namespace/);
    }
    assert.equal(hashTree(copy.dir), before);
    rmSync(join(copy.dir, 'src/controllers/admin'), { recursive: true });
  });

  await t.test('--dry-run prints the namespace plan and writes nothing', async () => {
    const before = hashTree(copy.dir);
    const res = await pow(copy, ['gen.templates', '--namespace', 'admin', '--no-registration', '--dry-run']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^create {4}src\/pow\/admin\/config\.ts \(new file\)$/m);
    assert.match(res.stdout, /\(dry run: nothing written\)/);
    assert.equal(hashTree(copy.dir), before);
  });

  const ADMIN_FILES = [
    'prisma/migrations/20260102030406_pow_admin/migration.sql',
    'src/controllers/admin/pow/session.ts',
    'src/pow/admin/config.ts',
    'src/routes/admin/pow.ts',
    'views/admin/pow/account-bar.ejs',
    'views/admin/pow/error-summary.ejs',
    'views/admin/pow/flash.ejs',
    'views/admin/pow/landing.ejs',
    'views/admin/pow/layout-bottom.ejs',
    'views/admin/pow/layout-top.ejs',
    'views/admin/pow/menu.ejs',
    'views/admin/pow/session/new.ejs',
  ];

  await t.test(
    '--namespace admin --user-model Admin --no-registration: only namespace paths, wired after the users',
    async () => {
      const json = await powJson(copy, [
        'gen.templates',
        '--namespace',
        'admin',
        '--user-model',
        'Admin',
        '--no-registration',
        '--yes',
      ]);
      assert.deepEqual(
        json.files.filter((f) => f.action === 'create').map((f) => f.path),
        ADMIN_FILES,
      );
      assert.deepEqual(
        json.files.filter((f) => f.action === 'update').map((f) => f.path),
        ['prisma/schema.prisma', 'src/app.ts'],
      );
      assert.equal(json.scope, 'gen.templates:admin');
      assert.deepEqual(json.options, {
        namespace: 'admin',
        userModel: 'Admin',
        userIdFields: ['email'],
        registration: false,
        extensions: [],
      });
      assert.ok(
        json.nextSteps.some((s) => s.startsWith('npx pow user create --namespace admin --email <address>')),
        json.nextSteps.join('\n'),
      );

      const app = read(copy, 'src/app.ts');
      assert.match(app, /^import \{ auth as adminAuth \} from '\.\/pow\/admin\/config\.js';$/m);
      assert.match(app, /^import \{ powRoutes as adminPowRoutes \} from '\.\/routes\/admin\/pow\.js';$/m);
      assert.match(
        app,
        /\napp\.use\(auth\.middleware\(\)\);\napp\.use\('\/admin', adminAuth\.middleware\(\)\);\napp\.use\('\/admin', adminPowRoutes\);\napp\.use\(powRoutes\);\n/,
      );
      const schema = read(copy, 'prisma/schema.prisma');
      assert.match(
        schema,
        /\nmodel Admin \{\n {2}id +Int +@id @default\(autoincrement\(\)\)\n {2}email +String +@unique\n {2}credential +AdminCredential\?\n/,
      );
      assert.match(schema, /\nmodel AdminCredential \{\n {2}userId +Int +@id\n {2}passwordHash String\n/);
      assert.equal(schema.match(/^model PowSession \{/gm)?.length, 1, 'the session table is shared');
      const sql = read(copy, ADMIN_FILES[0]!);
      assert.match(sql, /CREATE TABLE "Admin"/);
      assert.match(sql, /CREATE TABLE "AdminCredential"/);
      assert.doesNotMatch(sql, /"User"|"pow_sessions"/);

      const config = read(copy, 'src/pow/admin/config.ts');
      assert.match(config, /userModel: 'Admin',/);
      assert.match(config, /userType: 'admin',/);
      assert.match(config, /currentUserKey: 'currentAdmin',/);
      assert.match(config, /mountPath: '\/admin',/);
      const routes = read(copy, 'src/routes/admin/pow.ts');
      assert.doesNotMatch(routes, /registration/);
      assert.match(routes, /from '\.\.\/\.\.\/pow\/admin\/config\.js'/);
      assert.match(
        read(copy, 'src/controllers/admin/pow/session.ts'),
        /const VIEW = 'admin\/pow\/session\/new\.ejs';/,
      );
      assert.match(read(copy, 'views/admin/pow/menu.ejs'), /locals\.currentAdmin/);

      const manifest = JSON.parse(read(copy, '.pow/manifest.json')) as {
        options: Record<string, unknown>;
        files: Record<string, { generator: string }>;
      };
      assert.deepEqual(manifest.options['gen.templates:admin'], {
        extensions: [],
        registration: false,
        userIdFields: ['email'],
        userModel: 'Admin',
      });
      for (const path of ADMIN_FILES)
        assert.equal(manifest.files[path]?.generator, 'gen.templates:admin', path);
    },
  );

  await t.test('the same command again, the short form, and pow install: nothing written', async () => {
    const before = hashTree(copy.dir);
    for (const args of [
      ['gen.templates', '--namespace', 'admin', '--user-model', 'Admin', '--no-registration'],
      ['gen.templates', '--namespace', 'admin'],
      ['install'],
    ]) {
      const res = await pow(copy, [...args, '--yes']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(
        res.stdout,
        /Up to date: pow (gen\.templates|install) has nothing to change, no file was written\./,
      );
      assert.doesNotMatch(res.stdout, /^(create|update|delete|merge) /m);
    }
    assert.equal(hashTree(copy.dir), before);
  });

  await t.test('an edited admin view is kept by --only re-runs', async () => {
    const view = 'views/admin/pow/session/new.ejs';
    writeFileSync(
      join(copy.dir, view),
      read(copy, view).replace('<h1 id="pow-title">', '<h1 id="pow-title" class="staff">'),
    );
    const before = hashTree(copy.dir);
    const res = await pow(copy, [
      'gen.templates',
      '--namespace',
      'admin',
      '--only',
      'session,layout',
      '--yes',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /^skip {6}views\/admin\/pow\/session\/new\.ejs \(modified by you; nothing new from pow\)$/m,
    );
    assert.equal(hashTree(copy.dir), before);
    const off = await pow(copy, ['gen.templates', '--namespace', 'admin', '--only', 'registration', '--yes']);
    assert.equal(off.code, 2);
    assert.match(off.stderr, /--only registration: registration is off for the "admin" namespace/);
  });

  await t.test(
    'registration on, then off again: its files come and go, the stored answer follows',
    async () => {
      const on = await powJson(copy, ['gen.templates', '--namespace', 'admin', '--registration', '--yes']);
      assert.deepEqual(
        on.files.filter((f) => f.action === 'create').map((f) => f.path),
        [
          'src/controllers/admin/pow/registration.ts',
          'views/admin/pow/registration/edit.ejs',
          'views/admin/pow/registration/new.ejs',
        ],
      );
      assert.match(read(copy, 'src/routes/admin/pow.ts'), /'\/registration\/new'/);
      assert.equal(on.options.registration, true);
      assert.ok(
        !on.written.some((p) => p.startsWith('prisma/migrations/')),
        'no schema change, no migration',
      );

      const off = await powJson(copy, [
        'gen.templates',
        '--namespace',
        'admin',
        '--no-registration',
        '--yes',
      ]);
      assert.deepEqual(off.deleted.sort(), [
        'src/controllers/admin/pow/registration.ts',
        'views/admin/pow/registration/edit.ejs',
        'views/admin/pow/registration/new.ejs',
      ]);
      assert.doesNotMatch(read(copy, 'src/routes/admin/pow.ts'), /registration/);
      assert.ok(
        existsSync(join(copy.dir, 'views/pow/registration/new.ejs')),
        "the default users' files stay",
      );
    },
  );
});

test('a CommonJS JavaScript app, admins sharing the User model', async (t) => {
  const copy = withCopy(t, 'express4-js-cjs-postgres');
  const installed = await pow(copy, ['install', '--yes']);
  assert.equal(installed.code, 0, installed.stderr);
  const schemaBefore = read(copy, 'prisma/schema.prisma');

  const json = await powJson(copy, [
    'gen.templates',
    '--namespace',
    'admin',
    '--user-model',
    'User',
    '--extension',
    'reset-password',
    '--yes',
  ]);
  assert.equal(json.options.registration, false, 'no sign-up by default when the model is shared');
  assert.deepEqual(json.options.extensions, ['reset-password']);
  assert.equal(read(copy, 'prisma/schema.prisma'), schemaBefore, 'no schema change');
  assert.ok(!json.written.some((p) => p.startsWith('prisma/')), 'no migration');
  assert.ok(
    json.notes.some((n) => /every User can sign in at \/admin\/session\/new until you restrict it/.test(n)),
    json.notes.join('\n'),
  );
  assert.ok(json.nextSteps.some((s) => /Restrict \/admin to the User accounts allowed there/.test(s)));
  const created = json.files.filter((f) => f.action === 'create').map((f) => f.path);
  assert.ok(created.includes('controllers/admin/pow/reset-password.js'), created.join('\n'));
  assert.ok(created.includes('views/admin/pow/mailer/reset_password.html.ejs'), created.join('\n'));
  assert.ok(
    created.every((p) => /^(pow|controllers|routes|views)\/admin\//.test(p)),
    created.join('\n'),
  );
  assert.ok(!created.some((p) => p.includes('registration')));

  const app = read(copy, 'app.js');
  assert.match(app, /^const \{ auth: adminAuth \} = require\('\.\/pow\/admin\/config'\);$/m);
  assert.match(app, /^const \{ powRoutes: adminPowRoutes \} = require\('\.\/routes\/admin\/pow'\);$/m);
  assert.match(
    app,
    /\napp\.use\(auth\.middleware\(\)\);\napp\.use\('\/admin', adminAuth\.middleware\(\)\);\napp\.use\('\/admin', adminPowRoutes\);\n/,
  );
  const config = read(copy, 'pow/admin/config.js');
  assert.match(config, /userModel: 'User',/);
  assert.match(config, /views: 'admin\/pow\/mailer',/);
  assert.match(read(copy, 'routes/admin/pow.js'), /'\/reset-password\/new'/);
  assert.match(read(copy, '.env.example'), /^SMTP_URL=/m);

  const before = hashTree(copy.dir);
  const again = await pow(copy, ['gen.templates', '--namespace', 'admin', '--yes']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Up to date/);
  const install = await pow(copy, ['install', '--yes']);
  assert.equal(install.code, 0, install.stderr);
  assert.match(install.stdout, /Up to date/);
  assert.equal(hashTree(copy.dir), before);
});
