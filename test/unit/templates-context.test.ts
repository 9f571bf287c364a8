import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProjectInfo, PrismaInfo } from '../../src/inspect/project-info.js';
import { buildTemplateContext, relativeSpecifier } from '../../src/recipes/template-context.js';
import { isPowError } from '../../src/shared/pow-error.js';

function prismaInfo(overrides: Partial<PrismaInfo> = {}): PrismaInfo {
  return {
    version: '7.10.1',
    major: 7,
    schemaPath: 'prisma/schema.prisma',
    schemaFiles: ['prisma/schema.prisma'],
    multiFile: false,
    schemaSource: 'default',
    configFile: 'prisma.config.ts',
    provider: 'sqlite',
    urlEnvVar: 'DATABASE_URL',
    urlLocation: 'config',
    generator: { provider: 'prisma-client', output: 'src/generated/prisma' },
    clientImport: './generated/prisma/client.js',
    migrationsDir: 'prisma/migrations',
    userModel: {
      name: 'User',
      tableName: null,
      file: 'prisma/schema.prisma',
      fields: [
        {
          name: 'id',
          type: 'Int',
          optional: false,
          list: false,
          attributes: ['@id', '@default(autoincrement())'],
        },
        { name: 'email', type: 'String', optional: false, list: false, attributes: ['@unique'] },
        { name: 'username', type: 'String', optional: true, list: false, attributes: ['@unique'] },
      ],
      idField: 'id',
      idType: 'Int',
      idDefault: 'autoincrement',
    },
    models: ['User'],
    ...overrides,
  };
}

function project(overrides: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    root: '/tmp/app',
    packageName: 'app',
    packageManager: 'npm',
    language: 'ts',
    moduleSystem: 'esm',
    relativeImportExtension: '.js',
    sourceDir: 'src',
    framework: { name: 'express', version: '5.2.1', major: 5 },
    entry: { path: 'src/app.ts', appVariable: 'app', patchable: true },
    views: { dir: 'views', engine: 'ejs' },
    prismaClientModule: null,
    prisma: prismaInfo(),
    ...overrides,
  };
}

test('default namespace: users at "/", cookie pow_user, currentUser, pow/... views', () => {
  const it = buildTemplateContext(project());
  assert.equal(it.namespace, null);
  assert.equal(it.namespacePath, '');
  assert.equal(it.userType, 'user');
  assert.equal(it.mountPath, '');
  assert.equal(it.cookieName, 'pow_user');
  assert.equal(it.currentUserKey, 'currentUser');
  assert.equal(it.views.prefix, 'pow');
  assert.deepEqual(it.paths, {
    config: 'src/pow/config.ts',
    prismaClient: 'src/pow/prisma.ts',
    sessionController: 'src/controllers/pow/session.ts',
    registrationController: 'src/controllers/pow/registration.ts',
    routes: 'src/routes/pow.ts',
    viewsDir: 'views/pow',
    stylesheet: 'views/pow/pow.css',
  });
  assert.deepEqual(it.imports.routes, {
    config: '../pow/config.js',
    sessionController: '../controllers/pow/session.js',
    registrationController: '../controllers/pow/registration.js',
  });
  assert.equal(it.imports.sessionController.config, '../../pow/config.js');
  assert.deepEqual(it.imports.config.prisma, {
    specifier: './prisma.js',
    exportName: 'prisma',
    clause: '{ prisma }',
  });
  assert.equal(it.imports.prismaClient.client.specifier, '../generated/prisma/client.js');
  assert.equal(it.names.entryAuth, 'auth');
  assert.equal(it.names.entryRoutes, 'powRoutes');
  assert.equal(it.model.name, 'User');
  assert.equal(it.model.delegate, 'user');
  assert.equal(it.model.tsIdType, 'number');
  assert.equal(it.registration, true);
});

test('namespace admin: everything under /admin with its own cookie, user key, folders and names', () => {
  const it = buildTemplateContext(project(), { namespace: 'admin', userModel: 'Admin', registration: false });
  assert.equal(it.namespace, 'admin');
  assert.equal(it.namespacePath, 'admin');
  assert.equal(it.userType, 'admin');
  assert.equal(it.mountPath, '/admin');
  assert.equal(it.cookieName, 'pow_admin');
  assert.equal(it.currentUserKey, 'currentAdmin');
  assert.equal(it.views.prefix, 'admin/pow');
  assert.equal(it.paths.config, 'src/pow/admin/config.ts');
  assert.equal(it.paths.prismaClient, 'src/pow/prisma.ts', 'the generated client is shared');
  assert.equal(it.paths.sessionController, 'src/controllers/admin/pow/session.ts');
  assert.equal(it.paths.routes, 'src/routes/admin/pow.ts');
  assert.equal(it.paths.stylesheet, 'views/admin/pow/pow.css');
  assert.equal(it.imports.config.prisma.specifier, '../prisma.js');
  assert.equal(it.imports.sessionController.config, '../../../pow/admin/config.js');
  assert.equal(it.imports.routes.config, '../../pow/admin/config.js');
  assert.equal(it.imports.routes.sessionController, '../../controllers/admin/pow/session.js');
  assert.equal(it.names.entryAuth, 'adminAuth');
  assert.equal(it.names.entryRoutes, 'adminPowRoutes');
  assert.equal(it.model.name, 'Admin');
  assert.equal(it.model.idType, 'Int', 'the inspected model is another one: default id type');
  assert.equal(it.has.registration, false);
});

test('multi-word namespaces become snake user types and camel keys', () => {
  const it = buildTemplateContext(project(), { namespace: 'super-admin' });
  assert.equal(it.userType, 'super_admin');
  assert.equal(it.mountPath, '/super-admin');
  assert.equal(it.cookieName, 'pow_super_admin');
  assert.equal(it.currentUserKey, 'currentSuperAdmin');
  assert.equal(it.names.entryAuth, 'superAdminAuth');
  assert.equal(it.model.name, 'SuperAdmin');
});

test("the app's own PrismaClient module is imported instead of generating one", () => {
  const it = buildTemplateContext(
    project({ prismaClientModule: { path: 'src/lib/db.ts', exportName: 'db' } }),
  );
  assert.equal(it.prisma.generateClient, false);
  assert.deepEqual(it.imports.config.prisma, {
    specifier: '../lib/db.js',
    exportName: 'db',
    clause: '{ db as prisma }',
  });
  const admin = buildTemplateContext(
    project({ prismaClientModule: { path: 'src/lib/db.ts', exportName: 'default' } }),
    {
      namespace: 'admin',
    },
  );
  assert.deepEqual(admin.imports.config.prisma, {
    specifier: '../../lib/db.js',
    exportName: 'default',
    clause: 'prisma',
  });
});

test('import specifiers follow the project: no extension for CommonJS or bundler resolution, root source dir', () => {
  const it = buildTemplateContext(
    project({
      language: 'js',
      moduleSystem: 'cjs',
      relativeImportExtension: '',
      sourceDir: '.',
      views: { dir: 'app/views', engine: null },
    }),
  );
  assert.equal(it.paths.config, 'pow/config.js');
  assert.equal(it.paths.routes, 'routes/pow.js');
  assert.equal(it.paths.viewsDir, 'app/views/pow');
  assert.equal(it.imports.routes.config, '../pow/config');
  assert.equal(it.imports.config.prisma.specifier, './prisma');
  assert.equal(it.imports.prismaClient.client.specifier, '../generated/prisma/client');
  assert.equal(relativeSpecifier('src/a/b.ts', 'src/a/c.ts', '.js'), './c.js');
  assert.equal(relativeSpecifier('src/a/b.ts', 'lib/x/index.mts', ''), '../../lib/x/index');
});

test('Prisma: a driver adapter per provider on Prisma 7, none on Prisma 6 or MongoDB', () => {
  const adapter = (overrides: Partial<PrismaInfo>) =>
    buildTemplateContext(project({ prisma: prismaInfo(overrides) })).prisma.adapter;
  assert.equal(adapter({ provider: 'sqlite' })?.className, 'PrismaBetterSqlite3');
  assert.equal(adapter({ provider: 'postgresql' })?.construct, 'new PrismaPg(pgPoolOptions(url))');
  assert.deepEqual(adapter({ provider: 'postgresql' })?.powImports, ['pgPoolOptions']);
  assert.equal(adapter({ provider: 'mysql' })?.construct, 'new PrismaMariaDb(mariadbPoolOptions(url))');
  assert.deepEqual(adapter({ provider: 'sqlite' })?.powImports, []);
  assert.equal(adapter({ provider: 'cockroachdb' })?.packageName, '@prisma/adapter-pg');
  assert.equal(adapter({ provider: 'mysql' })?.className, 'PrismaMariaDb');
  assert.equal(adapter({ provider: 'sqlserver' })?.className, 'PrismaMssql');
  assert.equal(adapter({ provider: 'mongodb' }), null);
  // Prisma 7 with the older prisma-client-js generator still needs the adapter.
  assert.equal(
    adapter({ generator: { provider: 'prisma-client-js', output: null }, clientImport: '@prisma/client' })
      ?.className,
    'PrismaBetterSqlite3',
  );
  assert.equal(
    adapter({ version: '6.19.0', major: 6, generator: { provider: 'prisma-client-js', output: null } }),
    null,
  );
  const six = buildTemplateContext(
    project({ prisma: prismaInfo({ major: 6, clientImport: '@prisma/client' }) }),
  );
  assert.equal(six.imports.prismaClient.client.specifier, '@prisma/client');
});

test('sign-in field: email input only when email is the only id field; labels and autocomplete per field', () => {
  const emailOnly = buildTemplateContext(project());
  assert.deepEqual(emailOnly.signIn, { label: "pow.t('fields.email')", type: 'email', inputmode: 'email' });
  assert.deepEqual(emailOnly.idFieldInputs, [
    {
      name: 'email',
      label: "pow.t('fields.email')",
      type: 'email',
      inputmode: 'email',
      autocomplete: 'username',
      required: true,
    },
  ]);

  const both = buildTemplateContext(project(), { userIdFields: ['email', 'username'] });
  assert.deepEqual(both.signIn, { label: "pow.t('fields.user_id')", type: 'text', inputmode: null });
  assert.deepEqual(
    both.idFieldInputs.map((input) => [input.name, input.autocomplete, input.required]),
    [
      ['email', 'email', true],
      ['username', 'username', false],
    ],
  );

  const username = buildTemplateContext(project(), { userIdFields: ['username'] });
  assert.deepEqual(username.signIn, { label: "pow.t('fields.username')", type: 'text', inputmode: null });
});

test('phone as an id field: tel inputs, the phone label, a sign-in label naming every field', () => {
  const phoneOnly = buildTemplateContext(project(), { userIdFields: ['phone'] });
  assert.deepEqual(phoneOnly.signIn, { label: "pow.t('fields.phone')", type: 'tel', inputmode: null });
  assert.deepEqual(phoneOnly.idFieldInputs, [
    {
      name: 'phone',
      label: "pow.t('fields.phone')",
      type: 'tel',
      inputmode: null,
      autocomplete: 'username',
      required: true,
    },
  ]);

  const emailPhone = buildTemplateContext(project(), { userIdFields: ['email', 'phone'] });
  assert.deepEqual(emailPhone.signIn, {
    label:
      "pow.t('fields.one_of.two', { first: pow.t('fields.email'), last: pow.t('fields.in_list.phone') })",
    type: 'text',
    inputmode: null,
  });
  assert.deepEqual(
    emailPhone.idFieldInputs.map((input) => [input.name, input.type, input.autocomplete, input.label]),
    [
      ['email', 'email', 'username', "pow.t('fields.email')"],
      ['phone', 'tel', 'tel', "pow.t('fields.phone')"],
    ],
  );

  const three = buildTemplateContext(project(), { userIdFields: ['email', 'username', 'phone'] });
  assert.equal(
    three.signIn.label,
    "pow.t('fields.one_of.more', { first: pow.t('fields.email'), middle: pow.t('fields.in_list.username'), last: pow.t('fields.in_list.phone') })",
  );
  assert.deepEqual(
    three.idFieldInputs.map((input) => [input.name, input.autocomplete]),
    [
      ['email', 'email'],
      ['username', 'username'],
      ['phone', 'tel'],
    ],
  );
});

test('invalid options fail with POW_INVALID_TEMPLATE_OPTION (exit 2)', () => {
  const cases: Array<Parameters<typeof buildTemplateContext>[1]> = [
    { namespace: 'Admin' },
    { namespace: 'admin/x' },
    { namespace: 'user' },
    { userIdFields: [] },
    { userIdFields: ['e-mail'] },
    { userIdFields: ['password'] },
    { userIdFields: ['email', 'email'] },
    { userModel: 'user model' },
    { extensions: ['telepathy' as never] },
    { userIdFields: ['username'], extensions: ['magic-link'] },
    { store: 'sqlite' as never },
  ];
  for (const options of cases) {
    assert.throws(
      () => buildTemplateContext(project(), options),
      (error: unknown) =>
        isPowError(error) && error.code === 'POW_INVALID_TEMPLATE_OPTION' && error.exitCode === 2,
      JSON.stringify(options),
    );
  }
});

test('without Prisma information the context still builds (views-only gen.templates)', () => {
  const it = buildTemplateContext(project({ prisma: null }));
  assert.equal(it.prisma.detected, false);
  assert.equal(it.model.name, 'User');
  assert.equal(it.imports.prismaClient.client.specifier, '@prisma/client');
});
