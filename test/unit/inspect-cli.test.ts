/**
 * `pow inspect` through the CLI: the human table, --json, and the error fixtures (specific
 * message, a Fix line, exit 1). The fixture trees are hashed before and after: inspect never writes.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { copyFixture, FIXTURES_DIR, hashTree, runPow } from '../helpers/fixtures.js';

describe('pow inspect output', () => {
  const project = copyFixture('express5-ts-existing-user');
  after(() => project.cleanup());

  test('human output is a two-column table', async () => {
    const before = hashTree(project.dir);
    const result = await runPow(['inspect', '--cwd', project.dir]);
    assert.equal(hashTree(project.dir), before);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    const lines = result.stdout.trimEnd().split('\n');
    const expected = [
      `Project          express5-ts-existing-user (${project.dir})`,
      'Package manager  npm',
      'Language         TypeScript, ES modules (relative imports: end in .js)',
      'Source dir       src',
      'Framework        Express 5.2.1',
      'Entry            src/app.ts (app variable: app, patchable)',
      'Views            views (engine: ejs)',
      'Prisma client    src/lib/db.ts (export db)',
      'Prisma           7.10.1 (provider: postgresql)',
      'Schema           prisma/schema.prisma (from prisma.config.ts)',
      'Prisma config    prisma.config.ts',
      'Database URL     env DATABASE_URL (in prisma.config.ts)',
      'Generator        prisma-client → src/generated/prisma',
      'Client import    ./generated/prisma/client.js (from src/)',
      "Migrations       prisma/migrations (no migration history: `pow migrate` writes the init migration from your schema first, or records a database's existing tables as applied)",
      'Models           User',
      'User model       User in prisma/schema.prisma (table users); id field id: String, uuid()',
      '                   id         String    @id @default(uuid())',
      '                   email      String    @unique',
      '                   name       String',
      '                   role       String    @default("user")',
      '                   createdAt  DateTime  @default(now()) @map("created_at")',
      'App routes       2 found, 0 of them API routes',
    ];
    assert.deepEqual(lines, expected);
  });

  test('--json prints JSON only, the same facts as inspectProject', async () => {
    const result = await runPow(['inspect', '--json'], { cwd: project.dir });
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    const info = JSON.parse(result.stdout) as {
      root: string;
      entry: unknown;
      prisma: { userModel: { name: string } };
    };
    assert.equal(info.root, project.dir);
    assert.deepEqual(info.entry, { path: 'src/app.ts', appVariable: 'app', patchable: true });
    assert.equal(info.prisma.userModel.name, 'User');
  });

  test('a fixture without an exported client and an unpatchable entry says so', async () => {
    const result = await runPow(['inspect', '--cwd', path.join(FIXTURES_DIR, 'express5-ts-app-factory')]);
    assert.equal(result.code, 0);
    assert.match(
      result.stdout,
      /\nEntry +src\/app\.ts \(not patchable: express\(\) is called inside createApp\(\) \(src\/app\.ts:11\)/,
    );
    assert.match(result.stdout, /\nPrisma client +none exported: pow generates src\/pow\/prisma\.ts\n/);
    assert.match(result.stdout, /\nUser model +none: pow adds model User\n/);
  });
});

describe('error fixtures: specific message, Fix line, exit 1', () => {
  const cases: Array<{ fixture: string; code: string; message: RegExp; fix: RegExp }> = [
    {
      fixture: 'error-no-package-json',
      code: 'POW_NO_PACKAGE_JSON',
      message:
        /^No package\.json in .*error-no-package-json\. pow works on the root folder of a Node project\.$/,
      fix: /^Run pow in the folder that holds your app's package\.json \(or pass --cwd <dir>\)/,
    },
    {
      fixture: 'error-no-prisma',
      code: 'POW_PRISMA_NOT_FOUND',
      message:
        /^No Prisma set-up found: package\.json lists neither prisma nor @prisma\/client, and there is no schema \(looked in prisma\.config\.ts, package\.json#prisma\.schema, prisma\/schema\.prisma, schema\.prisma, prisma\/schema\/\)\.$/,
      fix: /^Set up Prisma first: npm install prisma @prisma\/client && npx prisma init/,
    },
    {
      fixture: 'error-fastify',
      code: 'POW_FRAMEWORK_UNSUPPORTED',
      message:
        /^fastify is not supported yet: package\.json lists fastify 5\.12\.8, and pow only sets up Express 4 and 5 apps\.$/,
      fix: /^Run pow on an Express app/,
    },
    {
      fixture: 'error-broken-schema',
      code: 'POW_PRISMA_SCHEMA_INVALID',
      message:
        /^Could not parse the Prisma schema prisma\/schema\.prisma at line 12, column 18: unexpected end of line\.$/,
      fix: /^Correct prisma\/schema\.prisma \(line 12, column 18\), check it with "npx prisma validate"/,
    },
  ];

  for (const { fixture, code, message, fix } of cases) {
    test(fixture, async () => {
      const dir = path.join(FIXTURES_DIR, fixture);
      const before = hashTree(dir);
      const result = await runPow(['inspect', '--cwd', dir]);
      assert.equal(hashTree(dir), before);
      assert.equal(result.code, 1);
      assert.equal(result.stdout, '');
      const [first, second, ...rest] = result.stderr.trimEnd().split('\n');
      assert.match(first ?? '', /^error: /);
      assert.match((first ?? '').slice('error: '.length), message);
      assert.match(second ?? '', /^Fix: /);
      assert.match((second ?? '').slice('Fix: '.length), fix);
      assert.deepEqual(rest, []);

      const json = await runPow(['inspect', '--json', '--cwd', dir]);
      assert.equal(json.code, 1);
      const parsed = JSON.parse(json.stdout) as { error: { code: string; message: string; fix: string } };
      assert.equal(parsed.error.code, code);
      assert.match(parsed.error.message, message);
      assert.match(parsed.error.fix, fix);
    });
  }
});
