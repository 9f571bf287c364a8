/**
 * The existing user model's own required columns (src/recipes/app-user-columns.ts): which go on
 * the sign-up form (and with which input), which pow fills, which stay a manual step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PrismaField, PrismaModelInfo } from '../../src/inspect/project-info.js';
import { appUserColumns } from '../../src/recipes/app-user-columns.js';

const field = (name: string, type: string, attributes: string[] = [], optional = false): PrismaField => ({
  name,
  type,
  optional,
  list: false,
  attributes,
});

const model = (fields: PrismaField[]): PrismaModelInfo => ({
  name: 'user',
  tableName: null,
  file: 'prisma/schema.prisma',
  fields,
  idField: 'id',
  idType: 'Int',
  idDefault: 'autoincrement',
});

test('required columns without a default: typed inputs, a password mark, manual steps', () => {
  const columns = appUserColumns(
    model([
      field('id', 'Int', ['@id', '@default(autoincrement())']),
      field('email', 'String', ['@unique']),
      field('username', 'String', ['@unique']),
      field('password', 'String'),
      field('age', 'Int'),
      field('balance', 'Decimal'),
      field('active', 'Boolean'),
      field('bornAt', 'DateTime'),
      field('settings', 'Json'),
      field('role', 'String', ['@default("USER")']),
      field('updated_at', 'DateTime', ['@updatedAt']),
      field('bio', 'String', [], true),
      field('team', 'Team'),
      field('teamId', 'Int'),
    ]),
    ['email'],
    ['user', 'Team'],
  );
  assert.deepEqual(
    columns.inputs.map((i) => [i.name, i.type, i.inputType, i.step, i.label]),
    [
      ['username', 'String', 'text', null, 'Username'],
      ['age', 'Int', 'number', '1', 'Age'],
      ['balance', 'Decimal', 'number', 'any', 'Balance'],
      ['active', 'Boolean', 'checkbox', null, 'Active'],
      ['bornAt', 'DateTime', 'datetime-local', null, 'Born at'],
      ['teamId', 'Int', 'number', '1', 'Team id'],
    ],
  );
  assert.deepEqual(columns.defaults, { password: '!' });
  assert.deepEqual(
    columns.unfillable.map((f) => f.name),
    ['settings'],
  );
});

test('a model pow creates has none', () => {
  assert.deepEqual(appUserColumns(null, ['email'], []), { inputs: [], defaults: {}, unfillable: [] });
});
