/**
 * inspectProject on every app fixture: each ProjectInfo field is asserted on its own, on a temp
 * copy with node_modules linked (how pow meets a real project), and the copy's tree hash proves
 * inspect wrote nothing. The same facts come out when the fixture is read in place.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { inspectProject } from '../../src/inspect/inspect-project.js';
import type { ProjectInfo } from '../../src/inspect/project-info.js';
import { copyFixture, FIXTURES_DIR, hashTree, type TempProject } from '../helpers/fixtures.js';

async function inspectCopy(
  name: string,
  options?: { userModel?: string },
  onCleanup: (fn: () => void) => void = after,
): Promise<{ info: ProjectInfo; project: TempProject }> {
  const project = copyFixture(name);
  onCleanup(() => project.cleanup());
  const before = hashTree(project.dir);
  const info = await inspectProject(project.dir, options);
  assert.equal(hashTree(project.dir), before, 'inspect must not write into the project');
  return { info, project };
}

async function assertSameInPlace(name: string, info: ProjectInfo): Promise<void> {
  const dir = path.join(FIXTURES_DIR, name);
  const before = hashTree(dir);
  const inPlace = await inspectProject(dir);
  assert.equal(hashTree(dir), before);
  assert.deepEqual({ ...inPlace, root: '' }, { ...info, root: '' });
}

describe('inspect: express5-ts-esm-sqlite', async () => {
  const { info, project } = await inspectCopy('express5-ts-esm-sqlite');

  test('package, language and module system', () => {
    assert.equal(info.root, project.dir);
    assert.equal(info.packageName, 'express5-ts-esm-sqlite');
    assert.equal(info.packageManager, 'npm');
    assert.equal(info.language, 'ts');
    assert.equal(info.moduleSystem, 'esm');
    assert.equal(info.relativeImportExtension, '.js');
    assert.equal(info.sourceDir, 'src');
  });

  test('framework, entry and views', () => {
    assert.deepEqual(info.framework, { name: 'express', version: '5.2.1', major: 5 });
    assert.deepEqual(info.entry, { path: 'src/app.ts', appVariable: 'app', patchable: true });
    assert.deepEqual(info.views, { dir: 'views', engine: 'ejs' });
    assert.deepEqual(info.prismaClientModule, { path: 'src/db.ts', exportName: 'prisma' });
  });

  test('prisma', () => {
    const prisma = info.prisma;
    assert.ok(prisma);
    assert.equal(prisma.version, '7.10.1');
    assert.equal(prisma.major, 7);
    assert.equal(prisma.schemaPath, 'prisma/schema.prisma');
    assert.deepEqual(prisma.schemaFiles, ['prisma/schema.prisma']);
    assert.equal(prisma.multiFile, false);
    assert.equal(prisma.schemaSource, 'prisma.config.ts');
    assert.equal(prisma.configFile, 'prisma.config.ts');
    assert.equal(prisma.provider, 'sqlite');
    assert.equal(prisma.urlEnvVar, 'DATABASE_URL');
    assert.equal(prisma.urlLocation, 'config');
    assert.deepEqual(prisma.generator, { provider: 'prisma-client', output: 'src/generated/prisma' });
    assert.equal(prisma.clientImport, './generated/prisma/client.js');
    assert.equal(prisma.migrationsDir, 'prisma/migrations');
    assert.equal(prisma.userModel, null);
    assert.deepEqual(prisma.models, ['Post']);
  });

  test('reads the same in place', () => assertSameInPlace('express5-ts-esm-sqlite', info));
});

describe('inspect: express4-js-cjs-postgres', async () => {
  const { info } = await inspectCopy('express4-js-cjs-postgres');

  test('package, language and module system', () => {
    assert.equal(info.packageName, 'express4-js-cjs-postgres');
    assert.equal(info.packageManager, 'npm');
    assert.equal(info.language, 'js');
    assert.equal(info.moduleSystem, 'cjs');
    assert.equal(info.relativeImportExtension, '');
    assert.equal(info.sourceDir, '.');
  });

  test('framework, entry and views', () => {
    // The copy links the repo's express4 alias in express's place: the installed version.
    assert.deepEqual(info.framework, { name: 'express', version: '4.21.2', major: 4 });
    assert.deepEqual(info.entry, { path: 'app.js', appVariable: 'app', patchable: true });
    assert.deepEqual(info.views, { dir: 'views', engine: 'ejs' });
    assert.deepEqual(info.prismaClientModule, { path: 'src/db.js', exportName: 'prisma' });
  });

  test('prisma (6 style: url in the schema, prisma-client-js)', () => {
    const prisma = info.prisma;
    assert.ok(prisma);
    // node_modules holds prisma 7 (the repo's), package.json asks for 6: the declared major wins.
    assert.equal(prisma.version, '6.19.3');
    assert.equal(prisma.major, 6);
    assert.equal(prisma.schemaPath, 'prisma/schema.prisma');
    assert.deepEqual(prisma.schemaFiles, ['prisma/schema.prisma']);
    assert.equal(prisma.multiFile, false);
    assert.equal(prisma.schemaSource, 'default');
    assert.equal(prisma.configFile, null);
    assert.equal(prisma.provider, 'postgresql');
    assert.equal(prisma.urlEnvVar, 'DATABASE_URL');
    assert.equal(prisma.urlLocation, 'schema');
    assert.deepEqual(prisma.generator, { provider: 'prisma-client-js', output: null });
    assert.equal(prisma.clientImport, '@prisma/client');
    assert.equal(prisma.migrationsDir, 'prisma/migrations');
    assert.equal(prisma.userModel, null);
    assert.deepEqual(prisma.models, ['Post']);
  });

  test('reads the same in place', () => assertSameInPlace('express4-js-cjs-postgres', info));
});

describe('inspect: express5-ts-existing-user', async () => {
  const { info } = await inspectCopy('express5-ts-existing-user');

  test('package, language, entry, views, client module', () => {
    assert.equal(info.packageName, 'express5-ts-existing-user');
    assert.equal(info.packageManager, 'npm');
    assert.equal(info.language, 'ts');
    assert.equal(info.moduleSystem, 'esm');
    assert.equal(info.relativeImportExtension, '.js');
    assert.equal(info.sourceDir, 'src');
    assert.deepEqual(info.framework, { name: 'express', version: '5.2.1', major: 5 });
    // `export const app = express()`, views via a top-level `const __dirname = ...`.
    assert.deepEqual(info.entry, { path: 'src/app.ts', appVariable: 'app', patchable: true });
    assert.deepEqual(info.views, { dir: 'views', engine: 'ejs' });
    // `const db = new PrismaClient(...); export { db };`
    assert.deepEqual(info.prismaClientModule, { path: 'src/lib/db.ts', exportName: 'db' });
  });

  test('prisma', () => {
    const prisma = info.prisma;
    assert.ok(prisma);
    assert.equal(prisma.version, '7.10.1');
    assert.equal(prisma.major, 7);
    assert.equal(prisma.schemaPath, 'prisma/schema.prisma');
    assert.deepEqual(prisma.schemaFiles, ['prisma/schema.prisma']);
    assert.equal(prisma.multiFile, false);
    assert.equal(prisma.schemaSource, 'prisma.config.ts');
    assert.equal(prisma.configFile, 'prisma.config.ts');
    assert.equal(prisma.provider, 'postgresql');
    // `url: process.env.DATABASE_URL` in prisma.config.ts.
    assert.equal(prisma.urlEnvVar, 'DATABASE_URL');
    assert.equal(prisma.urlLocation, 'config');
    assert.deepEqual(prisma.generator, { provider: 'prisma-client', output: 'src/generated/prisma' });
    assert.equal(prisma.clientImport, './generated/prisma/client.js');
    assert.equal(prisma.migrationsDir, 'prisma/migrations');
    assert.deepEqual(prisma.models, ['User']);
  });

  test('the existing User model', () => {
    const user = info.prisma?.userModel;
    assert.ok(user);
    assert.equal(user.name, 'User');
    assert.equal(user.tableName, 'users');
    assert.equal(user.file, 'prisma/schema.prisma');
    assert.equal(user.idField, 'id');
    assert.equal(user.idType, 'String');
    assert.equal(user.idDefault, 'uuid');
    assert.deepEqual(user.fields, [
      { name: 'id', type: 'String', optional: false, list: false, attributes: ['@id', '@default(uuid())'] },
      { name: 'email', type: 'String', optional: false, list: false, attributes: ['@unique'] },
      { name: 'name', type: 'String', optional: false, list: false, attributes: [] },
      { name: 'role', type: 'String', optional: false, list: false, attributes: ['@default("user")'] },
      {
        name: 'createdAt',
        type: 'DateTime',
        optional: false,
        list: false,
        attributes: ['@default(now())', '@map("created_at")'],
      },
    ]);
  });

  test('--user-model names another model (absent here → null)', async (t) => {
    const { info: other } = await inspectCopy('express5-ts-existing-user', { userModel: 'Account' }, (fn) =>
      t.after(fn),
    );
    assert.equal(other.prisma?.userModel, null);
  });

  test('reads the same in place', () => assertSameInPlace('express5-ts-existing-user', info));
});

describe('inspect: express5-ts-multifile-mysql', async () => {
  const { info } = await inspectCopy('express5-ts-multifile-mysql');

  test('package, language, entry, views, client module', () => {
    assert.equal(info.packageName, 'express5-ts-multifile-mysql');
    assert.equal(info.packageManager, 'npm');
    assert.equal(info.language, 'ts');
    assert.equal(info.moduleSystem, 'esm');
    assert.equal(info.relativeImportExtension, '.js');
    assert.equal(info.sourceDir, 'src');
    assert.deepEqual(info.framework, { name: 'express', version: '5.2.1', major: 5 });
    // The app variable is called `server`; views set with a plain relative string.
    assert.deepEqual(info.entry, { path: 'src/index.ts', appVariable: 'server', patchable: true });
    assert.deepEqual(info.views, { dir: 'views', engine: 'ejs' });
    assert.deepEqual(info.prismaClientModule, { path: 'src/prisma.ts', exportName: 'prisma' });
  });

  test('prisma (multi-file schema folder from prisma.config.ts)', () => {
    const prisma = info.prisma;
    assert.ok(prisma);
    assert.equal(prisma.version, '7.10.1');
    assert.equal(prisma.major, 7);
    assert.equal(prisma.schemaPath, 'prisma/schema');
    assert.deepEqual(prisma.schemaFiles, [
      'prisma/schema/post.prisma',
      'prisma/schema/schema.prisma',
      'prisma/schema/tag.prisma',
    ]);
    assert.equal(prisma.multiFile, true);
    assert.equal(prisma.schemaSource, 'prisma.config.ts');
    assert.equal(prisma.configFile, 'prisma.config.ts');
    assert.equal(prisma.provider, 'mysql');
    assert.equal(prisma.urlEnvVar, 'DATABASE_URL');
    assert.equal(prisma.urlLocation, 'config');
    // output is relative to prisma/schema/schema.prisma, the file that declares the generator.
    assert.deepEqual(prisma.generator, { provider: 'prisma-client', output: 'src/generated/prisma' });
    assert.equal(prisma.clientImport, './generated/prisma/client.js');
    assert.equal(prisma.migrationsDir, 'prisma/migrations');
    assert.equal(prisma.userModel, null);
    assert.deepEqual(prisma.models, ['Post', 'Tag']);
  });

  test('reads the same in place', () => assertSameInPlace('express5-ts-multifile-mysql', info));
});

describe('inspect: express5-ts-app-factory', async () => {
  const { info } = await inspectCopy('express5-ts-app-factory');

  test('package, language and module system', () => {
    assert.equal(info.packageName, 'express5-ts-app-factory');
    assert.equal(info.packageManager, 'npm');
    assert.equal(info.language, 'ts');
    assert.equal(info.moduleSystem, 'esm');
    assert.equal(info.relativeImportExtension, '.js');
    assert.equal(info.sourceDir, 'src');
    assert.deepEqual(info.framework, { name: 'express', version: '5.2.1', major: 5 });
  });

  test('the entry is found but not patchable', () => {
    assert.deepEqual(info.entry, {
      path: 'src/app.ts',
      appVariable: null,
      patchable: false,
      reason:
        'express() is called inside createApp() (src/app.ts:11), so pow cannot tell which app to add its routes to',
    });
  });

  test('views inside the factory, and no exported client', () => {
    // `viewsDir ?? path.join(import.meta.dirname, '../views')`: the static side wins.
    assert.deepEqual(info.views, { dir: 'views', engine: 'ejs' });
    // The client is built by createPrisma(): nothing to reuse.
    assert.equal(info.prismaClientModule, null);
  });

  test('prisma', () => {
    const prisma = info.prisma;
    assert.ok(prisma);
    assert.equal(prisma.version, '7.10.1');
    assert.equal(prisma.major, 7);
    assert.equal(prisma.schemaPath, 'prisma/schema.prisma');
    assert.deepEqual(prisma.schemaFiles, ['prisma/schema.prisma']);
    assert.equal(prisma.multiFile, false);
    assert.equal(prisma.schemaSource, 'prisma.config.ts');
    assert.equal(prisma.configFile, 'prisma.config.ts');
    assert.equal(prisma.provider, 'sqlite');
    assert.equal(prisma.urlEnvVar, 'DATABASE_URL');
    assert.equal(prisma.urlLocation, 'config');
    assert.deepEqual(prisma.generator, { provider: 'prisma-client', output: 'src/generated/prisma' });
    assert.equal(prisma.clientImport, './generated/prisma/client.js');
    assert.equal(prisma.migrationsDir, 'prisma/migrations');
    assert.equal(prisma.userModel, null);
    assert.deepEqual(prisma.models, ['Post']);
  });

  test('reads the same in place', () => assertSameInPlace('express5-ts-app-factory', info));
});
