/**
 * The database objects a Prisma schema describes (tables, columns, indexes, foreign keys, with
 * Prisma's default names), and the difference between two schemas at that level. Shared by:
 * - the MySQL renderer (mysql-ddl.ts), which renders the difference;
 * - the migration writer, which checks for drops and renders the warnings `prisma migrate dev`
 *   puts at the top of a migration (the engine's `diff` leaves them out).
 *
 * Ordering follows Prisma's schema differ, as measured against the schema engine: tables in
 * schema order (files sorted by path, then source order), added columns of an existing table in
 * byte order of their names, indexes of new tables before those of existing tables, field-level
 * `@unique` before `@@unique`/`@@index` in source order.
 */
import {
  blockAttributes,
  columnName,
  fieldAttribute,
  fieldList,
  namedArg,
  positionalArg,
  printAttribute,
  SCALAR_TYPES,
  tableNameOf,
  unquote,
  type ParsedField,
  type ParsedModel,
  type ParsedSchema,
} from './schema-ast.js';
import type { Func } from './prisma-ast.js';
import { implicitRelationTables, type ImplicitRelationTable } from './implicit-relation-tables.js';

export interface SqlColumn {
  name: string;
  field: ParsedField;
  required: boolean;
  /** A default the database applies (now(), a literal, dbgenerated(), autoincrement()). */
  hasDbDefault: boolean;
  /** A default only Prisma Client applies (uuid(), cuid(), ...). */
  hasVirtualDefault: boolean;
  /** Signature used to notice a changed column (type, arity, attributes). */
  signature: string;
}

export interface SqlIndex {
  name: string;
  kind: 'unique' | 'normal' | 'fulltext';
  columns: string[];
}

export type ReferentialAction = 'CASCADE' | 'RESTRICT' | 'NO ACTION' | 'SET NULL' | 'SET DEFAULT';

export interface SqlForeignKey {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface SqlTable {
  name: string;
  model: ParsedModel;
  columns: SqlColumn[];
  primaryKey: string[];
  indexes: SqlIndex[];
  foreignKeys: SqlForeignKey[];
}

/** Longest identifier per provider (PostgreSQL 63, MySQL 64). */
export function maxIdentifierLength(provider: string): number {
  if (provider === 'mysql') return 64;
  if (provider === 'postgresql' || provider === 'cockroachdb') return 63;
  return 10000;
}

function truncateTo(value: string, limit: number): string {
  // Prisma truncates at a byte limit on a char boundary; pow's names are ASCII in practice.
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < limit) return value;
  let cut = limit;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}

/** Prisma's default index/constraint names (psl ConstraintNames). */
export const constraintNames = {
  unique(table: string, columns: string[], provider: string): string {
    return indexName(table, columns, '_key', provider);
  },
  index(table: string, columns: string[], provider: string): string {
    return indexName(table, columns, '_idx', provider);
  },
  foreignKey(table: string, columns: string[], provider: string): string {
    const limit = maxIdentifierLength(provider);
    let joined = `${table}_${columns.join('_')}`;
    if (Buffer.byteLength(joined) >= limit - 5) joined = truncateTo(joined, limit - 5);
    return `${joined}_fkey`;
  },
  primaryKey(table: string, provider: string): string {
    const limit = maxIdentifierLength(provider);
    const name = Buffer.byteLength(table) >= limit - 5 ? truncateTo(table, limit - 5) : table;
    return `${name}_pkey`;
  },
};

function indexName(table: string, columns: string[], suffix: string, provider: string): string {
  const limit = maxIdentifierLength(provider);
  let out = `${table}_${columns.join('_')}`;
  if (Buffer.byteLength(out) >= limit - suffix.length) out = truncateTo(out, limit - suffix.length);
  return out + suffix;
}

const VIRTUAL_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

function defaultFunction(field: ParsedField): string | null {
  const attr = fieldAttribute(field, 'default');
  if (!attr) return null;
  const value = positionalArg(attr);
  if (value && typeof value === 'object' && !Array.isArray(value) && (value as Func).type === 'function') {
    return (value as Func).name;
  }
  return 'literal';
}

export function isRelationField(schema: ParsedSchema, field: ParsedField): boolean {
  return schema.models.some((m) => m.name === field.type);
}

function isColumnField(schema: ParsedSchema, field: ParsedField): boolean {
  if (isRelationField(schema, field)) return false;
  return SCALAR_TYPES.has(field.type) || schema.enums.has(field.type) || field.type === 'Unsupported';
}

function referentialAction(value: unknown): ReferentialAction | null {
  switch (value) {
    case 'Cascade':
      return 'CASCADE';
    case 'Restrict':
      return 'RESTRICT';
    case 'NoAction':
      return 'NO ACTION';
    case 'SetNull':
      return 'SET NULL';
    case 'SetDefault':
      return 'SET DEFAULT';
    default:
      return null;
  }
}

/** The tables a parsed schema describes, in Prisma's order. */
export function calculateTables(schema: ParsedSchema, provider: string): SqlTable[] {
  const relationModePrisma = schema.datasource?.relationMode === 'prisma';
  const tables: SqlTable[] = [];
  for (const model of schema.models) {
    if (blockAttributes(model, 'ignore').length > 0) continue;
    const table = tableNameOf(model);
    const columnFields = model.fields.filter((f) => isColumnField(schema, f));
    const columns: SqlColumn[] = columnFields.map((field) => {
      const fn = defaultFunction(field);
      return {
        name: columnName(field),
        field,
        required: !field.optional && !field.list,
        hasDbDefault: fn !== null && !VIRTUAL_DEFAULTS.has(fn),
        hasVirtualDefault: fn !== null && VIRTUAL_DEFAULTS.has(fn),
        signature: `${field.type}${field.list ? '[]' : field.optional ? '?' : ''} ${field.attributes
          .filter((a) => a.name !== 'unique' || a.group)
          .map(printAttribute)
          .join(' ')}`,
      };
    });
    const colOf = (fieldName: string) => {
      const f = model.fields.find((x) => x.name === fieldName);
      return f ? columnName(f) : fieldName;
    };

    let primaryKey: string[] = [];
    const idField = columnFields.find((f) => fieldAttribute(f, 'id'));
    if (idField) primaryKey = [columnName(idField)];
    const blockId = blockAttributes(model, 'id')[0];
    if (blockId) primaryKey = fieldList(positionalArg(blockId) ?? namedArg(blockId, 'fields')).map(colOf);

    const indexes: SqlIndex[] = [];
    for (const field of columnFields) {
      const unique = fieldAttribute(field, 'unique');
      if (!unique) continue;
      const cols = [columnName(field)];
      const map = unquote(namedArg(unique, 'map'));
      indexes.push({
        name: map ?? constraintNames.unique(table, cols, provider),
        kind: 'unique',
        columns: cols,
      });
    }
    for (const attr of model.blockAttributes) {
      if (attr.group) continue;
      if (attr.name !== 'unique' && attr.name !== 'index' && attr.name !== 'fulltext') continue;
      const cols = fieldList(positionalArg(attr) ?? namedArg(attr, 'fields')).map(colOf);
      const map = unquote(namedArg(attr, 'map'));
      const kind = attr.name === 'unique' ? 'unique' : attr.name === 'index' ? 'normal' : 'fulltext';
      const name =
        map ??
        (kind === 'unique'
          ? constraintNames.unique(table, cols, provider)
          : constraintNames.index(table, cols, provider));
      indexes.push({ name, kind, columns: cols });
    }

    const foreignKeys: SqlForeignKey[] = [];
    if (!relationModePrisma) {
      for (const field of model.fields) {
        if (!isRelationField(schema, field)) continue;
        const relation = fieldAttribute(field, 'relation');
        if (!relation) continue;
        const fields = fieldList(namedArg(relation, 'fields'));
        const references = fieldList(namedArg(relation, 'references'));
        if (fields.length === 0) continue;
        const target = schema.models.find((m) => m.name === field.type)!;
        const targetCol = (name: string) => {
          const f = target.fields.find((x) => x.name === name);
          return f ? columnName(f) : name;
        };
        const cols = fields.map(colOf);
        const required = fields.every((name) => {
          const f = model.fields.find((x) => x.name === name);
          return f ? !f.optional : false;
        });
        const map = unquote(namedArg(relation, 'map'));
        foreignKeys.push({
          name: map ?? constraintNames.foreignKey(table, cols, provider),
          columns: cols,
          referencedTable: tableNameOf(target),
          referencedColumns: references.map(targetCol),
          onDelete: referentialAction(namedArg(relation, 'onDelete')) ?? (required ? 'RESTRICT' : 'SET NULL'),
          onUpdate: referentialAction(namedArg(relation, 'onUpdate')) ?? 'CASCADE',
        });
      }
    }
    tables.push({ name: table, model, columns, primaryKey, indexes, foreignKeys });
  }
  // The schema engine adds the join tables of implicit many-to-many relations itself for the
  // other providers; pow's MySQL renderer writes them from here.
  if (provider === 'mysql')
    tables.push(...implicitRelationTables(schema).map((t) => joinTable(t, relationModePrisma, provider)));
  return tables;
}

/** `_PostToTag` as Prisma creates it: A and B typed like the ids they hold, unique (A, B), index on B. */
function joinTable(relation: ImplicitRelationTable, relationModePrisma: boolean, provider: string): SqlTable {
  const column = (name: 'A' | 'B', id: ParsedField): SqlColumn => {
    // The id's type and native type (@db.*), without @id, @default or @map.
    const field: ParsedField = {
      name,
      type: id.type,
      optional: false,
      list: false,
      attributes: id.attributes.filter((a) => a.group === 'db'),
      line: id.line,
    };
    return {
      name,
      field,
      required: true,
      hasDbDefault: false,
      hasVirtualDefault: false,
      signature: `${id.type} ${name}`,
    };
  };
  const model: ParsedModel = {
    name: relation.name,
    file: relation.a.file,
    line: relation.a.line,
    fields: [],
    blockAttributes: [],
    tableName: relation.name,
    indent: '  ',
  };
  const foreignKeys: SqlForeignKey[] = relationModePrisma
    ? []
    : (['A', 'B'] as const).map((name) => {
        const target = name === 'A' ? relation.a : relation.b;
        const id = name === 'A' ? relation.aId : relation.bId;
        return {
          name: constraintNames.foreignKey(relation.name, [name], provider),
          columns: [name],
          referencedTable: tableNameOf(target),
          referencedColumns: [columnName(id)],
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        };
      });
  return {
    name: relation.name,
    model,
    columns: [column('A', relation.aId), column('B', relation.bId)],
    primaryKey: [],
    indexes: [
      { name: `${relation.name}_AB_unique`, kind: 'unique', columns: ['A', 'B'] },
      { name: `${relation.name}_B_index`, kind: 'normal', columns: ['B'] },
    ],
    foreignKeys,
  };
}

export function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

export interface AlteredTable {
  before: SqlTable;
  after: SqlTable;
  /** In byte order of column names (Prisma's order). */
  addedColumns: SqlColumn[];
  droppedColumns: SqlColumn[];
  changedColumns: { before: SqlColumn; after: SqlColumn }[];
}

export interface TableDiff {
  createdTables: SqlTable[];
  droppedTables: SqlTable[];
  alteredTables: AlteredTable[];
  /** New indexes in Prisma's step order; `tableIsNew` for indexes of created tables. */
  createdIndexes: { table: SqlTable; index: SqlIndex; tableIsNew: boolean }[];
  droppedIndexes: { table: SqlTable; index: SqlIndex }[];
  addedForeignKeys: { table: SqlTable; foreignKey: SqlForeignKey }[];
  droppedForeignKeys: { table: SqlTable; foreignKey: SqlForeignKey }[];
  primaryKeyChanged: SqlTable[];
}

function sameIndex(a: SqlIndex, b: SqlIndex): boolean {
  return a.name === b.name && a.kind === b.kind && a.columns.join('\0') === b.columns.join('\0');
}

function sameForeignKey(a: SqlForeignKey, b: SqlForeignKey): boolean {
  return (
    a.name === b.name &&
    a.columns.join('\0') === b.columns.join('\0') &&
    a.referencedTable === b.referencedTable &&
    a.referencedColumns.join('\0') === b.referencedColumns.join('\0') &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate
  );
}

/** Table-level difference from `before` to `after`. */
export function diffTables(before: SqlTable[], after: SqlTable[]): TableDiff {
  const beforeByName = new Map(before.map((t) => [t.name, t]));
  const afterByName = new Map(after.map((t) => [t.name, t]));
  const diff: TableDiff = {
    createdTables: after.filter((t) => !beforeByName.has(t.name)),
    droppedTables: before.filter((t) => !afterByName.has(t.name)),
    alteredTables: [],
    createdIndexes: [],
    droppedIndexes: [],
    addedForeignKeys: [],
    droppedForeignKeys: [],
    primaryKeyChanged: [],
  };
  for (const table of diff.createdTables) {
    for (const index of table.indexes) diff.createdIndexes.push({ table, index, tableIsNew: true });
  }
  for (const prev of before) {
    const next = afterByName.get(prev.name);
    if (!next) continue;
    const prevCols = new Map(prev.columns.map((c) => [c.name, c]));
    const nextCols = new Map(next.columns.map((c) => [c.name, c]));
    const added = next.columns.filter((c) => !prevCols.has(c.name)).sort((a, b) => byteOrder(a.name, b.name));
    const dropped = prev.columns
      .filter((c) => !nextCols.has(c.name))
      .sort((a, b) => byteOrder(a.name, b.name));
    const changed = prev.columns
      .filter((c) => nextCols.has(c.name) && nextCols.get(c.name)!.signature !== c.signature)
      .map((c) => ({ before: c, after: nextCols.get(c.name)! }));
    if (added.length || dropped.length || changed.length) {
      diff.alteredTables.push({
        before: prev,
        after: next,
        addedColumns: added,
        droppedColumns: dropped,
        changedColumns: changed,
      });
    }
    if (prev.primaryKey.join('\0') !== next.primaryKey.join('\0')) diff.primaryKeyChanged.push(next);
    for (const index of next.indexes) {
      if (!prev.indexes.some((i) => sameIndex(i, index)))
        diff.createdIndexes.push({ table: next, index, tableIsNew: false });
    }
    for (const index of prev.indexes) {
      if (!next.indexes.some((i) => sameIndex(i, index))) diff.droppedIndexes.push({ table: prev, index });
    }
    for (const fk of prev.foreignKeys) {
      if (!next.foreignKeys.some((f) => sameForeignKey(f, fk)))
        diff.droppedForeignKeys.push({ table: prev, foreignKey: fk });
    }
  }
  for (const table of after) {
    const prev = beforeByName.get(table.name);
    for (const fk of table.foreignKeys) {
      if (!prev || !prev.foreignKeys.some((f) => sameForeignKey(f, fk)))
        diff.addedForeignKeys.push({ table, foreignKey: fk });
    }
  }
  return diff;
}

export function isEmptyDiff(diff: TableDiff): boolean {
  return (
    diff.createdTables.length === 0 &&
    diff.droppedTables.length === 0 &&
    diff.alteredTables.length === 0 &&
    diff.createdIndexes.length === 0 &&
    diff.droppedIndexes.length === 0 &&
    diff.addedForeignKeys.length === 0 &&
    diff.droppedForeignKeys.length === 0 &&
    diff.primaryKeyChanged.length === 0
  );
}

/** What a migration would drop (tables, columns), for the destructive-change guard. */
export function droppedObjects(diff: TableDiff): string[] {
  const out: string[] = [];
  for (const t of diff.droppedTables) out.push(`table "${t.name}"`);
  for (const a of diff.alteredTables)
    for (const c of a.droppedColumns) out.push(`column "${a.after.name}"."${c.name}"`);
  return out;
}

/**
 * The warnings block `prisma migrate dev` writes at the top of a migration (the destructive change
 * checker's "pure" check), for the changes pow makes. `redefinedTables`: SQLite tables the engine
 * rebuilds (their indexes are created inside the rebuild, so no unique-constraint warning).
 */
export function migrateDevWarnings(diff: TableDiff, redefinedTables: Set<string> = new Set()): string {
  const warnings: string[] = [];
  const unexecutable: string[] = [];
  for (const altered of diff.alteredTables) {
    for (const column of altered.droppedColumns) {
      warnings.push(
        `You are about to drop the column \`${column.name}\` on the \`${altered.before.name}\` table. All the data in the column will be lost.`,
      );
    }
    for (const column of altered.addedColumns) {
      if (!column.required || column.hasDbDefault) continue;
      if (column.hasVirtualDefault) {
        unexecutable.push(
          `The required column \`${column.name}\` was added to the \`${altered.after.name}\` table with a prisma-level default value. This is not possible if the table is not empty. Please add this column as optional, then populate it before making it required.`,
        );
      } else {
        unexecutable.push(
          `Added the required column \`${column.name}\` to the \`${altered.after.name}\` table without a default value. This is not possible if the table is not empty.`,
        );
      }
    }
  }
  for (const table of diff.droppedTables) {
    warnings.push(
      `You are about to drop the \`${table.name}\` table. If the table is not empty, all the data it contains will be lost.`,
    );
  }
  for (const { table, index, tableIsNew } of diff.createdIndexes) {
    if (tableIsNew || index.kind !== 'unique' || redefinedTables.has(table.name)) continue;
    warnings.push(
      `A unique constraint covering the columns \`[${index.columns.join(',')}]\` on the table \`${table.name}\` will be added. If there are existing duplicate values, this will fail.`,
    );
  }
  if (warnings.length === 0 && unexecutable.length === 0) return '';
  let out = '/*\n  Warnings:\n\n';
  for (const w of [...warnings, ...unexecutable]) out += `  - ${w}\n`;
  return out + '\n*/\n';
}

// ---- reading Prisma's SQL scripts ----------------------------------------------------------------

export interface ScriptStep {
  /** Header without "-- ", e.g. "CreateTable". */
  kind: string;
  statements: string[];
}

/** Splits a script Prisma rendered into its `-- Step` sections and statements. */
export function parseScriptSteps(sql: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let current: ScriptStep | null = null;
  let buffer: string[] = [];
  for (const line of sql.split('\n')) {
    const header = line.startsWith('-- ') && /^-- [A-Za-z]+$/.test(line);
    if (header) {
      current = { kind: line.slice(3), statements: [] };
      steps.push(current);
      buffer = [];
      continue;
    }
    if (!current) continue;
    if (line.trim() === '' && buffer.length === 0) continue;
    buffer.push(line);
    if (line.trimEnd().endsWith(';')) {
      current.statements.push(buffer.join('\n'));
      buffer = [];
    }
  }
  return steps;
}

/** SQLite tables the script rebuilds (`CREATE TABLE "new_<name>"` inside RedefineTables). */
export function redefinedTables(sql: string): Set<string> {
  const out = new Set<string>();
  for (const step of parseScriptSteps(sql)) {
    if (step.kind !== 'RedefineTables') continue;
    for (const stmt of step.statements) {
      const prefix = 'CREATE TABLE "new_';
      if (stmt.startsWith(prefix)) out.add(stmt.slice(prefix.length, stmt.indexOf('"', prefix.length)));
    }
  }
  return out;
}

/**
 * Statements in a Prisma script that drop a table or column. A SQLite rebuild's
 * `DROP TABLE "x"` followed by `ALTER TABLE "new_x" RENAME TO "x"` is not a drop (the data is
 * copied); columns a rebuild leaves behind are caught by the schema-level check.
 */
export function destructiveStatements(sql: string): string[] {
  const out: string[] = [];
  for (const step of parseScriptSteps(sql)) {
    const statements = step.statements;
    statements.forEach((stmt, i) => {
      const upper = stmt.toUpperCase();
      if (upper.startsWith('DROP TABLE')) {
        const rename = statements[i + 1] ?? '';
        const name = stmt.slice('DROP TABLE '.length).replace(/;$/, '').trim();
        const bare = name.replace(/^[`"]|[`"]$/g, '');
        const q = name[0] === '`' ? '`' : '"';
        if (
          step.kind === 'RedefineTables' &&
          rename.startsWith(`ALTER TABLE ${q}new_${bare}${q} RENAME TO ${name}`)
        )
          return;
        out.push(stmt);
      } else if (
        upper.includes(' DROP COLUMN ') ||
        upper.startsWith('DROP SCHEMA') ||
        upper.startsWith('DROP TYPE')
      ) {
        out.push(stmt);
      }
    });
  }
  return out;
}
