import {
  getSchema,
  type Attribute,
  type Block,
  type BlockAttribute,
  type Field,
  type Func,
  type KeyValue,
  type Value,
} from './prisma-ast.js';
import type { ProjectFiles } from './read-project.js';
import { inspectErrors } from './errors.js';

/** A top-level block of the schema and the (root-relative) file it was declared in. */
export interface SchemaBlock {
  file: string;
  block: Block;
}

/**
 * Parses every schema file with @mrleebo/prisma-ast (read-only). A syntax error becomes
 * POW_PRISMA_SCHEMA_INVALID naming the file, the line and column the parser reports, and
 * the unexpected token.
 */
export function readPrismaSchema(files: ProjectFiles, schemaFiles: string[]): SchemaBlock[] {
  const blocks: SchemaBlock[] = [];
  for (const file of schemaFiles) {
    const text = files.read(file);
    let list: Block[];
    try {
      list = getSchema(text).list;
    } catch (error) {
      throw syntaxError(file, text, error);
    }
    for (const block of list) blocks.push({ file, block });
  }
  return blocks;
}

interface ParserToken {
  image?: string;
  startLine?: number;
  startColumn?: number;
}

function syntaxError(file: string, text: string, error: unknown) {
  const parserError = error as { token?: ParserToken; previousToken?: ParserToken; message?: unknown } | null;
  const token = parserError?.token;
  if (token === undefined) {
    const message = typeof parserError?.message === 'string' ? parserError.message : String(error);
    return inspectErrors.schemaSyntax(file, message);
  }
  const image = token.image ?? '';
  if (image === '') {
    // At the end of input the parser has no position: point at the last line instead.
    const line = validNumber(parserError?.previousToken?.startLine) ?? text.trimEnd().split('\n').length;
    return inspectErrors.schemaSyntax(file, 'unexpected end of file (is a closing "}" missing?)', line);
  }
  const detail = image.trim() === '' ? 'unexpected end of line' : `unexpected "${image}"`;
  return inspectErrors.schemaSyntax(
    file,
    detail,
    validNumber(token.startLine),
    validNumber(token.startColumn),
  );
}

function validNumber(value: number | undefined): number | undefined {
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

/** Schema source of a value as written: `"x"`, `uuid()`, `[email]`, `fields: [id]`. */
export function printValue(value: Value | Func | KeyValue): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(printValue).join(', ')}]`;
  switch (value.type) {
    case 'function':
      return `${value.name}(${(value.params ?? []).map(printValue).join(', ')})`;
    case 'array':
      return `[${value.args.map(printValue).join(', ')}]`;
    case 'keyValue':
      return `${value.key}: ${printValue(value.value)}`;
    case 'object':
      return `{ ${value.properties.map(printValue).join(', ')} }`;
  }
}

/** An attribute as written in the schema: `@id`, `@default(uuid())`, `@db.VarChar(20)`, `@@map("users")`. */
export function printAttribute(attribute: Attribute | BlockAttribute): string {
  const prefix = attribute.kind === 'field' ? '@' : '@@';
  const name = attribute.group ? `${attribute.group}.${attribute.name}` : attribute.name;
  const args = attribute.args ?? [];
  return args.length === 0
    ? `${prefix}${name}`
    : `${prefix}${name}(${args.map((arg) => printValue(arg.value)).join(', ')})`;
}

/** A string literal value from the AST (`"sqlite"` → sqlite), or null for anything else. */
export function unquote(value: Value | undefined): string | null {
  if (typeof value !== 'string' || !value.startsWith('"')) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

/** The field's type as written, without `?`/`[]`: `String`, `Post`, `Unsupported("x")`. */
export function fieldTypeName(field: Field): string {
  return typeof field.fieldType === 'string' ? field.fieldType : printValue(field.fieldType);
}
