/**
 * Reading Prisma schema files structurally, through @mrleebo/prisma-ast (never regular expressions on
 * schema text). Everything pow's Prisma code needs from a schema goes through `parseSchemaFiles`:
 * models with their fields, block attributes and source lines, enums, and the datasource block.
 *
 * prisma-ast reports locations only partially (a model's location covers its `model X {` header, a
 * field's covers its name and type), so edits anchor on line numbers: Prisma fields and block
 * attributes always sit on one line each.
 */
import {
  getSchema,
  PrismaParser,
  VisitorClassFactory,
  type Attribute,
  type AttributeArgument,
  type BlockAttribute,
  type Field,
  type Func,
  type KeyValue,
  type Model,
  type Schema,
  type Value,
} from './prisma-ast.js';
import { PowError } from '../shared/pow-error.js';

/** Schema files by path (relative, forward slashes) → text. */
export type SchemaTexts = Record<string, string>;

export interface ParsedField {
  name: string;
  /** Prisma type without modifiers ("String", "Int", a model or enum name, "Unsupported"). */
  type: string;
  optional: boolean;
  list: boolean;
  attributes: Attribute[];
  /** 1-based line of the field in its file. */
  line: number;
}

export interface ParsedModel {
  name: string;
  file: string;
  /** 1-based line of `model X {`. */
  line: number;
  fields: ParsedField[];
  blockAttributes: BlockAttribute[];
  /** Value of @@map, or null. */
  tableName: string | null;
  /** Indentation used by the model's fields ("  " when it has none). */
  indent: string;
}

export interface ParsedSchema {
  /** Files in the order pow processes them (sorted by path). */
  files: string[];
  models: ParsedModel[];
  enums: Map<string, string[]>;
  datasource: {
    name: string;
    provider: string | null;
    relationMode: string | null;
    file: string;
  } | null;
}

let parserSingleton: {
  parser: InstanceType<typeof PrismaParser>;
  visitor: InstanceType<ReturnType<typeof VisitorClassFactory>>;
} | null = null;

function parserWithLocations() {
  if (!parserSingleton) {
    // Our own parser instance with full location tracking; the default one reads a user config file.
    const parser = new PrismaParser({ nodeLocationTracking: 'full' });
    const Visitor = VisitorClassFactory(parser);
    parserSingleton = { parser, visitor: new Visitor() };
  }
  return parserSingleton;
}

interface ChevrotainError {
  message?: string;
  token?: { startLine?: number; startColumn?: number; image?: string };
}

/** Parses one schema file; a syntax error becomes POW_PRISMA_SCHEMA_INVALID naming file and line. */
export function parseSchemaText(file: string, text: string): Schema {
  const { parser, visitor } = parserWithLocations();
  try {
    return getSchema(text, { parser, visitor });
  } catch (error) {
    const e = error as ChevrotainError;
    const line = e.token?.startLine;
    const column = e.token?.startColumn;
    const where = line && Number.isFinite(line) ? `${file}:${line}${column ? `:${column}` : ''}` : file;
    throw new PowError({
      code: 'POW_PRISMA_SCHEMA_INVALID',
      message: `Could not parse the Prisma schema ${where}: ${(e.message ?? String(error)).replace(/\r?\n/g, '\\n')}`,
      fix: `Run \`npx prisma validate\` and fix the reported problem in ${file}, then run pow again.`,
      cause: error,
    });
  }
}

function lineOf(node: { location?: { startLine?: number } }): number {
  const line = node.location?.startLine;
  return typeof line === 'number' && Number.isFinite(line) ? line : 0;
}

/** Unquotes a Prisma string literal as prisma-ast returns it (`"users"` → users). */
export function unquote(value: Value | undefined): string | null {
  if (typeof value !== 'string') return null;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return JSON.parse(value) as string;
  }
  return value;
}

/** Parses all files of a schema (single file or multi-file folder). */
export function parseSchemaFiles(texts: SchemaTexts): ParsedSchema {
  const files = Object.keys(texts).sort();
  const models: ParsedModel[] = [];
  const enums = new Map<string, string[]>();
  let datasource: ParsedSchema['datasource'] = null;

  for (const file of files) {
    const schema = parseSchemaText(file, texts[file]);
    for (const block of schema.list) {
      if (block.type === 'model') {
        models.push(readModel(file, block, texts[file]));
      } else if (block.type === 'enum') {
        enums.set(
          block.name,
          block.enumerators.filter((e) => e.type === 'enumerator').map((e) => (e as { name: string }).name),
        );
      } else if (block.type === 'datasource' && !datasource) {
        let provider: string | null = null;
        let relationMode: string | null = null;
        for (const a of block.assignments) {
          if (a.type !== 'assignment') continue;
          if (a.key === 'provider') provider = unquote(a.value);
          if (a.key === 'relationMode') relationMode = unquote(a.value);
        }
        datasource = { name: block.name, provider, relationMode, file };
      }
    }
  }
  return { files, models, enums, datasource };
}

function readModel(file: string, model: Model, text: string): ParsedModel {
  const fields: ParsedField[] = [];
  const blockAttributes: BlockAttribute[] = [];
  for (const p of model.properties) {
    if (p.type === 'field') {
      fields.push(readField(p));
    } else if (p.type === 'attribute') {
      blockAttributes.push(p as BlockAttribute);
    }
  }
  const map = blockAttributes.find((a) => a.name === 'map' && !a.group);
  const tableName = map ? unquote(firstArgValue(map.args)) : null;
  let indent = '  ';
  const first = fields[0];
  if (first && first.line > 0) {
    const lineText = splitLines(text).lines[first.line - 1] ?? '';
    const ws = lineText.slice(0, lineText.length - lineText.trimStart().length);
    if (ws.length > 0) indent = ws;
  }
  return {
    name: model.name,
    file,
    line: lineOf(model),
    fields,
    blockAttributes,
    tableName,
    indent,
  };
}

function readField(field: Field): ParsedField {
  const type = typeof field.fieldType === 'string' ? field.fieldType : (field.fieldType as Func).name;
  return {
    name: field.name,
    type,
    optional: field.optional === true,
    list: field.array === true,
    attributes: field.attributes ?? [],
    line: lineOf(field),
  };
}

function isKeyValue(v: unknown): v is KeyValue {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && (v as KeyValue).type === 'keyValue';
}

function firstArgValue(args: AttributeArgument[] | undefined): Value | undefined {
  return positionalArg({ args });
}

/** The n-th positional (unnamed) argument of an attribute. */
export function positionalArg(attribute: { args?: AttributeArgument[] }, index = 0): Value | undefined {
  const positional = (attribute.args ?? []).map((a) => a.value).filter((v) => !isKeyValue(v));
  return positional[index] as Value | undefined;
}

/** A named argument (`key: value`) of an attribute. */
export function namedArg(attribute: { args?: AttributeArgument[] }, key: string): Value | undefined {
  for (const arg of attribute.args ?? []) {
    if (isKeyValue(arg.value) && arg.value.key === key) return arg.value.value;
  }
  return undefined;
}

export function fieldAttribute(field: ParsedField, name: string, group?: string): Attribute | undefined {
  return field.attributes.find((a) => a.name === name && (group ? a.group === group : !a.group));
}

export function blockAttributes(model: ParsedModel, name: string): BlockAttribute[] {
  return model.blockAttributes.filter((a) => a.name === name && !a.group);
}

/** Database column name of a field (@map or the field name). */
export function columnName(field: ParsedField): string {
  const map = fieldAttribute(field, 'map');
  return (map && unquote(positionalArg(map) ?? namedArg(map, 'name'))) ?? field.name;
}

/** Database table name of a model (@@map or the model name). */
export function tableNameOf(model: ParsedModel): string {
  return model.tableName ?? model.name;
}

/** Field names listed in an array argument such as `[a, b(sort: Desc)]`. */
export function fieldList(value: Value | undefined): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  if ((value as { type?: string }).type !== 'array') return [];
  return (value as { args: Value[] }).args.map((v) => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && !Array.isArray(v) && (v as Func).type === 'function')
      return (v as Func).name;
    return String(v);
  });
}

/** Prints an attribute value back to Prisma source. */
export function printValue(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value)) return `[${value.map(printValue).join(', ')}]`;
  switch (value.type) {
    case 'function':
      return `${value.name}(${(value.params ?? []).map(printValue).join(', ')})`;
    case 'array':
      return `[${value.args.map(printValue).join(', ')}]`;
    case 'object':
      return `{ ${value.properties.map((p) => `${p.key}: ${printValue(p.value)}`).join(', ')} }`;
    default:
      return String(value);
  }
}

/** Prints a field attribute back to Prisma source, e.g. `@db.VarChar(191)`. */
export function printAttribute(attribute: Attribute): string {
  const name = attribute.group ? `${attribute.group}.${attribute.name}` : attribute.name;
  const args = attribute.args ?? [];
  if (args.length === 0) return `@${name}`;
  const printed = args.map((a) => {
    const v = a.value;
    if (isKeyValue(v)) return `${v.key}: ${printValue(v.value)}`;
    return printValue(v as Value);
  });
  return `@${name}(${printed.join(', ')})`;
}

/** The native type attribute of a field (`@db.X(...)`, using the datasource's name), if any. */
export function nativeTypeAttribute(field: ParsedField, datasourceName: string): Attribute | undefined {
  return field.attributes.find((a) => a.group === datasourceName);
}

export const SCALAR_TYPES = new Set([
  'String',
  'Boolean',
  'Int',
  'BigInt',
  'Float',
  'Decimal',
  'DateTime',
  'Json',
  'Bytes',
]);

export function findModel(schema: ParsedSchema, name: string): ParsedModel | undefined {
  return schema.models.find((m) => m.name === name);
}

/** Splits text into lines, remembering the newline style. */
export function splitLines(text: string): { lines: string[]; eol: string } {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { lines: text.split(/\r?\n/), eol };
}

/** Datasource properties Prisma 7's engine rejects in schema files (they moved to prisma.config.ts). */
const URL_PROPERTIES = new Set(['url', 'directUrl', 'shadowDatabaseUrl']);

/**
 * The schema as Prisma 7's schema engine accepts it: a Prisma 6-style datasource keeps
 * `url = env(...)` in the schema, which the engine rejects, and pow's diffs never need it. The lines
 * are located through the AST (each assignment sits on its own line); the user's files are not
 * touched, only the engine's input.
 */
export function withoutDatasourceUrls(texts: SchemaTexts): SchemaTexts {
  const out: SchemaTexts = {};
  for (const [file, text] of Object.entries(texts)) {
    const schema = parseSchemaText(file, text);
    const drop = new Set<number>();
    for (const block of schema.list) {
      if (block.type !== 'datasource') continue;
      for (const a of block.assignments) {
        if (a.type === 'assignment' && URL_PROPERTIES.has(a.key)) {
          const line = (a as { location?: { startLine?: number } }).location?.startLine;
          if (line) drop.add(line);
        }
      }
    }
    if (drop.size === 0) {
      out[file] = text;
      continue;
    }
    const { lines, eol } = splitLines(text);
    out[file] = lines.filter((_, i) => !drop.has(i + 1)).join(eol);
  }
  return out;
}
