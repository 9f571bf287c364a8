/**
 * Detector edge cases on small projects written into temp folders (the fixtures cover the
 * common shapes; these cover the variants).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectProject } from '../../src/inspect/inspect-project.js';
import { detectModuleSystem } from '../../src/inspect/detect-module-system.js';
import { clientImport } from '../../src/inspect/detect-prisma.js';
import { minVersion } from '../../src/inspect/detect-package.js';
import type { PackageData } from '../../src/inspect/detect-package.js';
import type { ProjectInfo } from '../../src/inspect/project-info.js';
import { isPowError, type PowError } from '../../src/shared/pow-error.js';
import { hashTree, writeTempProject } from '../helpers/fixtures.js';

const SCHEMA = `generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "sqlite"
}
`;

const ESM_APP = `import express from 'express';

const app = express();

export default app;
`;

function packageJson(extra: Record<string, unknown> = {}, dependencies: Record<string, string> = {}): string {
  return JSON.stringify({
    name: 'tmp-app',
    type: 'module',
    dependencies: { express: '^5.1.0', '@prisma/client': '7.10.0', ...dependencies },
    devDependencies: { prisma: '7.10.1' },
    ...extra,
  });
}

/** Inspects a project made of `files` (defaults: ESM package.json, src/app.js, a SQLite schema). */
async function inspectFiles(
  files: Record<string, string | null>,
  options?: { userModel?: string },
): Promise<ProjectInfo> {
  const all: Record<string, string> = {};
  const defaults: Record<string, string> = {
    'package.json': packageJson(),
    'prisma/schema.prisma': SCHEMA,
    'src/app.js': ESM_APP,
  };
  for (const [name, content] of Object.entries({ ...defaults, ...files }))
    if (content !== null) all[name] = content;
  const project = writeTempProject(all);
  try {
    const before = hashTree(project.dir);
    const info = await inspectProject(project.dir, options);
    assert.equal(hashTree(project.dir), before, 'inspect must not write');
    return info;
  } finally {
    project.cleanup();
  }
}

async function inspectError(
  files: Record<string, string | null>,
  options?: { userModel?: string },
): Promise<PowError> {
  try {
    await inspectFiles(files, options);
  } catch (error) {
    assert.ok(isPowError(error), `expected a PowError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected inspectProject to throw');
}

describe('views', () => {
  test('CommonJS path.join(__dirname, ...) resolves against the file', async () => {
    const info = await inspectFiles({
      'package.json': packageJson({ type: 'commonjs' }),
      'src/app.js': null,
      'server/app.js': `const path = require('node:path');
const express = require('express');
const app = express();
app.set('views', path.join(__dirname, 'templates'));
app.set('view engine', 'pug');
module.exports = app;
`,
    });
    assert.deepEqual(info.views, { dir: 'server/templates', engine: 'pug' });
    assert.equal(info.sourceDir, 'server');
    assert.equal(info.moduleSystem, 'cjs');
  });

  test('fileURLToPath(new URL(...)) and named path imports', async () => {
    const info = await inspectFiles({
      'src/app.js': `import { fileURLToPath } from 'node:url';
import express from 'express';
const app = express();
app.set('views', fileURLToPath(new URL('../web/views', import.meta.url)));
export default app;
`,
    });
    assert.equal(info.views.dir, 'web/views');
    assert.equal(info.views.engine, null);

    const named = await inspectFiles({
      'src/app.js': `import { join } from 'path';
import express from 'express';
const app = express();
app.set('views', join(import.meta.dirname, 'pages'));
export default app;
`,
    });
    assert.equal(named.views.dir, 'src/pages');
  });

  test('path.resolve of a relative string is relative to the working directory (the root)', async () => {
    const info = await inspectFiles({
      'src/app.js': `import path from 'node:path';
import express from 'express';
const app = express();
app.set('views', path.resolve('web', 'views'));
export default app;
`,
    });
    assert.equal(info.views.dir, 'web/views');
  });

  test("a run-time value gives null, or Express's default views/ when it exists", async () => {
    const app = `import express from 'express';
import { viewsDir } from './config.js';
const app = express();
app.set('views', viewsDir());
export default app;
`;
    assert.deepEqual((await inspectFiles({ 'src/app.js': app })).views, { dir: null, engine: null });
    assert.equal((await inspectFiles({ 'src/app.js': app, 'views/index.ejs': 'x' })).views.dir, 'views');
  });

  test("another function's `app.set` is not the app's", async () => {
    const info = await inspectFiles({
      'src/app.js': `import express from 'express';
const app = express();
function other(app) { app.set('view engine', 'hbs'); }
app.set('view engine', 'ejs');
export { app, other };
`,
    });
    assert.equal(info.views.engine, 'ejs');
  });
});

describe('entry', () => {
  test('an app not stored in a variable is not patchable', async () => {
    const info = await inspectFiles({
      'package.json': packageJson({ type: 'commonjs' }),
      'src/app.js': `const express = require('express');\nmodule.exports = express();\n`,
    });
    assert.deepEqual(info.entry, {
      path: 'src/app.js',
      appVariable: null,
      patchable: false,
      reason: 'the result of express() (src/app.js:2) is not stored in a variable',
    });
  });

  test('a top-level app wins over one built in a function; express.Router() is not an app', async () => {
    const info = await inspectFiles({
      'src/app.js': null,
      'src/a-factory.js': `import express from 'express';\nexport const make = () => { const sub = express(); return sub; };\n`,
      'src/main.js': `import express from 'express';\nconst router = express.Router();\nlet web = express();\nweb.use(router);\n`,
    });
    assert.deepEqual(info.entry, { path: 'src/main.js', appVariable: 'web', patchable: true });
  });

  test('TypeScript `import x = require()` and casts', async () => {
    const info = await inspectFiles({
      'package.json': packageJson({ type: 'commonjs' }),
      'tsconfig.json': '{ "compilerOptions": { "module": "commonjs", "strict": true } }',
      'src/app.js': null,
      'src/server.ts': `import e = require('express');\nconst app = (e() as e.Express);\nexport = app;\n`,
    });
    assert.deepEqual(info.entry, { path: 'src/server.ts', appVariable: 'app', patchable: true });
    assert.equal(info.language, 'ts');
    assert.equal(info.moduleSystem, 'cjs');
  });

  test('no express() anywhere: entry null, language from tsconfig', async () => {
    const info = await inspectFiles({
      'src/app.js': null,
      'tsconfig.json': '{}',
      'src/index.ts': 'export {};\n',
    });
    assert.equal(info.entry, null);
    assert.equal(info.language, 'ts');
    assert.equal(info.sourceDir, 'src');
  });

  test('tsconfig rootDir (with extends and comments) is the source dir', async () => {
    const info = await inspectFiles({
      'tsconfig.base.json':
        '{ "compilerOptions": { "module": "NodeNext", /* c */ "moduleResolution": "NodeNext", } }',
      'tsconfig.json': '{ "extends": "./tsconfig.base.json", "compilerOptions": { "rootDir": "app" } }',
      'src/app.js': null,
      'app/server/main.ts': ESM_APP,
    });
    assert.equal(info.sourceDir, 'app');
    assert.equal(info.relativeImportExtension, '.js');
    assert.equal(info.prisma?.clientImport, '../src/generated/prisma/client.js');
  });
});

describe('module system rules', () => {
  const pkg = (type: 'module' | 'commonjs'): PackageData => ({
    name: 'x',
    type,
    main: null,
    scripts: {},
    dependencies: {},
    packageManager: null,
    prismaSchema: null,
  });
  const ts = (module: string | null, moduleResolution: string | null) => ({
    file: 'tsconfig.json',
    module,
    moduleResolution,
    rootDir: null,
  });

  test('JavaScript follows package.json "type"', () => {
    assert.deepEqual(detectModuleSystem(pkg('module'), 'js', null), {
      moduleSystem: 'esm',
      relativeImportExtension: '.js',
    });
    assert.deepEqual(detectModuleSystem(pkg('commonjs'), 'js', null), {
      moduleSystem: 'cjs',
      relativeImportExtension: '',
    });
  });

  test('TypeScript: NodeNext, CommonJS, bundler', () => {
    assert.deepEqual(detectModuleSystem(pkg('module'), 'ts', ts('nodenext', 'nodenext')), {
      moduleSystem: 'esm',
      relativeImportExtension: '.js',
    });
    assert.deepEqual(detectModuleSystem(pkg('commonjs'), 'ts', ts('nodenext', 'nodenext')), {
      moduleSystem: 'cjs',
      relativeImportExtension: '',
    });
    assert.deepEqual(detectModuleSystem(pkg('module'), 'ts', ts('commonjs', 'node10')), {
      moduleSystem: 'cjs',
      relativeImportExtension: '',
    });
    assert.deepEqual(detectModuleSystem(pkg('module'), 'ts', ts('esnext', 'bundler')), {
      moduleSystem: 'esm',
      relativeImportExtension: '',
    });
    assert.deepEqual(detectModuleSystem(pkg('module'), 'ts', ts('preserve', 'bundler')), {
      moduleSystem: 'esm',
      relativeImportExtension: '',
    });
  });
});

describe('client import path', () => {
  test('prisma-client: output folder + /client, extension per rule, relative to the source dir', () => {
    assert.equal(
      clientImport('prisma-client', 'src/generated/prisma', 'src', '.js'),
      './generated/prisma/client.js',
    );
    assert.equal(
      clientImport('prisma-client', 'src/generated/prisma', '.', ''),
      './src/generated/prisma/client',
    );
    assert.equal(
      clientImport('prisma-client', 'generated/prisma', 'src', '.js'),
      '../generated/prisma/client.js',
    );
  });

  test('prisma-client-js: @prisma/client unless output is set', () => {
    assert.equal(clientImport('prisma-client-js', null, 'src', '.js'), '@prisma/client');
    assert.equal(clientImport('prisma-client-js', 'src/db/client', 'src', '.js'), './db/client/index.js');
    assert.equal(clientImport('prisma-client-js', 'src/db/client', 'src', ''), './db/client');
  });
});

describe('versions', () => {
  test('minVersion of common ranges', () => {
    assert.equal(minVersion('^5.1.0'), '5.1.0');
    assert.equal(minVersion('~4.21'), '4.21.0');
    assert.equal(minVersion('5.x'), '5.0.0');
    assert.equal(minVersion('>=7 <8'), '7.0.0');
    assert.equal(minVersion('npm:express@4.21.2'), '4.21.2');
    assert.equal(minVersion('7.0.0-beta.1'), '7.0.0-beta.1');
    assert.equal(minVersion('latest'), null);
  });

  test('the declared range when nothing is installed', async () => {
    const info = await inspectFiles({});
    assert.deepEqual(info.framework, { name: 'express', version: '5.1.0', major: 5 });
    assert.equal(info.prisma?.version, '7.10.1');
  });
});

describe('package manager', () => {
  for (const [file, manager] of [
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lock', 'bun'],
    ['package-lock.json', 'npm'],
  ] as const) {
    test(`${file} → ${manager}`, async () => {
      assert.equal((await inspectFiles({ [file]: '' })).packageManager, manager);
    });
  }

  test('the packageManager field wins over a lockfile', async () => {
    const info = await inspectFiles({
      'package.json': packageJson({ packageManager: 'yarn@4.1.0' }),
      'package-lock.json': '{}',
    });
    assert.equal(info.packageManager, 'yarn');
  });
});

describe('framework', () => {
  for (const [dependency, name] of [
    ['koa', 'koa'],
    ['hono', 'hono'],
    ['fastify', 'fastify'],
  ] as const) {
    test(`${dependency} is not supported yet`, async () => {
      const error = await inspectError({
        'package.json': JSON.stringify({
          name: 'x',
          dependencies: { [dependency]: '^1.0.0', prisma: '7.10.1' },
        }),
      });
      assert.equal(error.code, 'POW_FRAMEWORK_UNSUPPORTED');
      assert.match(error.message, new RegExp(`^${name} is not supported yet`));
    });
  }

  test('Next.js and NestJS win over a listed express', async () => {
    const next = await inspectError({ 'package.json': packageJson({}, { next: '15.0.0' }) });
    assert.match(next.message, /^Next\.js is not supported yet/);
    const nest = await inspectError({ 'package.json': packageJson({}, { '@nestjs/core': '11.0.0' }) });
    assert.match(nest.message, /^NestJS is not supported yet/);
  });

  test('no framework, and Express 3', async () => {
    const none = await inspectError({ 'package.json': JSON.stringify({ name: 'x' }) });
    assert.equal(none.code, 'POW_FRAMEWORK_NOT_FOUND');
    const old = await inspectError({ 'package.json': packageJson({}, { express: '3.21.2' }) });
    assert.equal(old.code, 'POW_FRAMEWORK_UNSUPPORTED');
    assert.match(old.message, /express 3\.21\.2 is not supported/);
  });

  test('invalid package.json', async () => {
    const error = await inspectError({ 'package.json': '{ "name": ' });
    assert.equal(error.code, 'POW_INVALID_PACKAGE_JSON');
    assert.ok(error.fix);
  });
});

describe('prisma client module', () => {
  const client = (body: string) => ({
    'src/db.js': `import { PrismaClient } from './generated/prisma/client.js';\n${body}`,
  });

  test('ES module export forms', async () => {
    assert.deepEqual(
      (await inspectFiles(client('export default new PrismaClient();\n'))).prismaClientModule,
      {
        path: 'src/db.js',
        exportName: 'default',
      },
    );
    assert.deepEqual(
      (await inspectFiles(client('const c = new PrismaClient();\nexport { c as database };\n')))
        .prismaClientModule,
      { path: 'src/db.js', exportName: 'database' },
    );
    assert.deepEqual(
      (
        await inspectFiles(
          client('const g = globalThis;\nexport const prisma = g.prisma ?? new PrismaClient();\n'),
        )
      ).prismaClientModule,
      { path: 'src/db.js', exportName: 'prisma' },
    );
  });

  test('aliased import, and a client built in a function is not reusable', async () => {
    const aliased = await inspectFiles({
      'src/db.js': `import { PrismaClient as Client } from '@prisma/client';\nexport const db = new Client();\n`,
    });
    assert.deepEqual(aliased.prismaClientModule, { path: 'src/db.js', exportName: 'db' });
    const factory = await inspectFiles(client('export function make() { return new PrismaClient(); }\n'));
    assert.equal(factory.prismaClientModule, null);
  });

  // real-social-media exports its client from the entry: reusing it would make pow's config and
  // the entry import each other, and the client would not exist yet when pow's config runs.
  test('the entry is never reused, even when it exports a client', async () => {
    const info = await inspectFiles({
      'src/app.js': `import express from 'express';\nimport { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\nconst app = express();\n\nexport default app;\n`,
    });
    assert.equal(info.entry?.path, 'src/app.js');
    assert.equal(info.prismaClientModule, null);
  });

  test('CommonJS export forms', async () => {
    const cjs = (body: string) =>
      inspectFiles({
        'package.json': packageJson({ type: 'commonjs' }),
        'src/app.js': `const express = require('express');\nconst app = express();\nmodule.exports = app;\n`,
        'src/db.js': `const { PrismaClient } = require('@prisma/client');\n${body}`,
      });
    assert.equal(
      (await cjs('const prisma = new PrismaClient();\nmodule.exports = { db: prisma };\n')).prismaClientModule
        ?.exportName,
      'db',
    );
    assert.equal(
      (await cjs('exports.client = new PrismaClient();\n')).prismaClientModule?.exportName,
      'client',
    );
    assert.equal(
      (await cjs('const prisma = new PrismaClient();\nmodule.exports = prisma;\n')).prismaClientModule
        ?.exportName,
      'default',
    );
  });

  test('the generator output folder is never scanned', async () => {
    const info = await inspectFiles({
      'src/generated/prisma/client.js': `import { PrismaClient } from './internal.js';\nexport const prisma = new PrismaClient();\n`,
    });
    assert.equal(info.prismaClientModule, null);
  });
});

describe('prisma schema location', () => {
  test('package.json#prisma.schema', async () => {
    const info = await inspectFiles({
      'package.json': packageJson({ prisma: { schema: 'db/app.prisma' } }),
      'prisma/schema.prisma': null,
      'db/app.prisma': SCHEMA,
    });
    assert.equal(info.prisma?.schemaPath, 'db/app.prisma');
    assert.equal(info.prisma?.schemaSource, 'package.json');
    assert.equal(info.prisma?.migrationsDir, 'db/migrations');
    // output "../src/generated/prisma" is relative to db/.
    assert.equal(info.prisma?.generator.output, 'src/generated/prisma');
  });

  test('schema.prisma at the root; prisma.config.ts without a schema key', async () => {
    const info = await inspectFiles({
      'prisma/schema.prisma': null,
      'schema.prisma': SCHEMA.replace('../src', 'src'),
      'prisma.config.ts': `import { defineConfig, env } from 'prisma/config';\nexport default defineConfig({ datasource: { url: env('DB_URL') } });\n`,
    });
    assert.equal(info.prisma?.schemaPath, 'schema.prisma');
    assert.equal(info.prisma?.schemaSource, 'default');
    assert.equal(info.prisma?.configFile, 'prisma.config.ts');
    assert.equal(info.prisma?.urlEnvVar, 'DB_URL');
    assert.equal(info.prisma?.urlLocation, 'config');
    assert.equal(info.prisma?.migrationsDir, 'migrations');
  });

  test('a config that points at a missing schema is an error naming it', async () => {
    const error = await inspectError({
      'prisma.config.ts': `export default { schema: 'db/missing.prisma' };\n`,
    });
    assert.equal(error.code, 'POW_PRISMA_SCHEMA_NOT_FOUND');
    assert.match(error.message, /db\/missing\.prisma \(from prisma\.config\.ts\)/);
  });

  test('Prisma installed but no schema', async () => {
    const error = await inspectError({ 'prisma/schema.prisma': null });
    assert.equal(error.code, 'POW_PRISMA_SCHEMA_NOT_FOUND');
    assert.match(
      error.message,
      /Looked in prisma\.config\.ts, package\.json#prisma\.schema, prisma\/schema\.prisma/,
    );
    assert.match(error.fix ?? '', /npx prisma init/);
  });

  test('a schema that ends inside a block names the file and a line', async () => {
    const error = await inspectError({ 'prisma/schema.prisma': `${SCHEMA}\nmodel Post {\n  id Int @id\n` });
    assert.equal(error.code, 'POW_PRISMA_SCHEMA_INVALID');
    assert.match(
      error.message,
      /^Could not parse the Prisma schema prisma\/schema\.prisma at line \d+: unexpected end of file/,
    );
  });

  test('no datasource, no client generator, unknown provider', async () => {
    const noDatasource = await inspectError({
      'prisma/schema.prisma': 'generator client {\n  provider = "prisma-client-js"\n}\n',
    });
    assert.equal(noDatasource.code, 'POW_PRISMA_NO_DATASOURCE');
    const noGenerator = await inspectError({
      'prisma/schema.prisma': 'datasource db {\n  provider = "sqlite"\n}\n',
    });
    assert.equal(noGenerator.code, 'POW_PRISMA_NO_CLIENT_GENERATOR');
    const provider = await inspectError({ 'prisma/schema.prisma': SCHEMA.replace('"sqlite"', '"oracle"') });
    assert.equal(provider.code, 'POW_PRISMA_PROVIDER_UNSUPPORTED');
    assert.match(provider.message, /"oracle"/);
  });
});

describe('user model', () => {
  const withModel = (model: string) => ({ 'prisma/schema.prisma': `${SCHEMA}\n${model}\n` });

  test('Int autoincrement id, optional, list and grouped attributes, relations', async () => {
    const info = await inspectFiles(
      withModel(`model Account {
  id       Int     @id @default(autoincrement())
  nickname String? @db.VarChar(20)
  posts    Post[]
}

model Post {
  id       Int     @id @default(autoincrement())
  author   Account @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int
}`),
      { userModel: 'Account' },
    );
    const user = info.prisma?.userModel;
    assert.ok(user);
    assert.equal(user.name, 'Account');
    assert.equal(user.tableName, null);
    assert.equal(user.idType, 'Int');
    assert.equal(user.idDefault, 'autoincrement');
    assert.deepEqual(user.fields[1], {
      name: 'nickname',
      type: 'String',
      optional: true,
      list: false,
      attributes: ['@db.VarChar(20)'],
    });
    assert.deepEqual(user.fields[2], {
      name: 'posts',
      type: 'Post',
      optional: false,
      list: true,
      attributes: [],
    });
    assert.deepEqual(info.prisma?.models, ['Account', 'Post']);
  });

  test('cuid, dbgenerated (other) and no default', async () => {
    const idDefault = async (id: string) =>
      (await inspectFiles(withModel(`model User {\n  id ${id}\n}`))).prisma?.userModel?.idDefault;
    assert.equal(await idDefault('String @id @default(cuid())'), 'cuid');
    assert.equal(await idDefault('String @id @default(uuid(7))'), 'uuid');
    assert.equal(await idDefault('String @id @default(dbgenerated("gen_random_uuid()"))'), 'other');
    assert.equal(await idDefault('BigInt @id'), null);
  });

  test('composite ids and unsupported id types are errors', async () => {
    const composite = await inspectError(withModel('model User {\n  a Int\n  b Int\n  @@id([a, b])\n}'));
    assert.equal(composite.code, 'POW_USER_MODEL_ID_UNSUPPORTED');
    const dateId = await inspectError(withModel('model User {\n  id DateTime @id\n}'));
    assert.match(dateId.message, /User\.id is a DateTime/);
  });
});
