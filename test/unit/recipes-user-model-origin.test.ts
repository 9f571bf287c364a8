/**
 * Whose user model it is (src/recipes/user-model-origin.ts): pow's when it is absent (pow creates
 * it), declared in pow.prisma, or named as a whole model by an earlier run's schema patch; the
 * app's otherwise, also when an earlier run only added fields to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userModelIsPows } from '../../src/recipes/user-model-origin.js';
import { emptyManifest, type Manifest } from '../../src/generate/manifest.js';
import type { PrismaInfo, PrismaModelInfo } from '../../src/inspect/project-info.js';

const user = (file: string): PrismaModelInfo => ({
  name: 'User',
  tableName: null,
  file,
  fields: [],
  idField: 'id',
  idType: 'Int',
  idDefault: 'autoincrement',
});

const prisma = (userModel: PrismaModelInfo | null, multiFile = false): PrismaInfo =>
  ({ userModel, multiFile, schemaPath: multiFile ? 'prisma/schema' : 'prisma/schema.prisma' }) as PrismaInfo;

function withPatches(...ids: string[]): Manifest {
  const manifest = emptyManifest('0.1.0');
  for (const id of ids) manifest.patches[id] = { file: 'prisma/schema.prisma', generator: 'install' };
  return manifest;
}

test('absent: pow creates it', () => {
  assert.equal(userModelIsPows(null, prisma(null), 'User'), true);
});

test("an earlier run's schema patch that added the whole model: pow's", () => {
  const existing = prisma(user('prisma/schema.prisma'));
  assert.equal(userModelIsPows(withPatches('prisma:User+UserCredential+PowSession'), existing, 'User'), true);
  assert.equal(
    userModelIsPows(withPatches('prisma:User.credential+UserCredential'), existing, 'User'),
    false,
  );
  assert.equal(userModelIsPows(null, existing, 'User'), false, 'no earlier run: the app’s');
});

test("multi-file: declared in pow.prisma is pow's", () => {
  assert.equal(userModelIsPows(null, prisma(user('prisma/schema/pow.prisma'), true), 'User'), true);
  assert.equal(userModelIsPows(null, prisma(user('prisma/schema/user.prisma'), true), 'User'), false);
});
