import { ts, type SourceFile } from 'ts-morph';
import { isRequireOf } from './express-app.js';
import { loadsEnvironment } from './env-loading.js';
import type { Codemod, PatchResult } from './project.js';
import { detectStyle, quoteString } from './style.js';

export interface EnsureImportOptions {
  /** Module specifier as it should be written, e.g. "./pow/config.js" or "ejs". */
  module: string;
  /** Default import name (`import x from`, or `const x = require()` in CommonJS). */
  default?: string;
  /**
   * Named imports (`import { a }`, or `const { a } = require()`). `'a as b'` binds `a` under the
   * local name `b` (`import { a as b }`, `const { a: b } = require()`).
   */
  named?: string[];
  /** Namespace import (`import * as ns`; plain `require()` in CommonJS). */
  namespace?: string;
  /** Used when the file has neither imports nor requires to tell. Default: from the file extension (.cjs → cjs). */
  moduleSystem?: 'esm' | 'cjs';
}

/** The file's module system: ESM when it has import/export syntax, CJS when it has top-level requires. */
export function detectModuleSystem(sf: ts.SourceFile, fallback?: 'esm' | 'cjs'): 'esm' | 'cjs' {
  let requires = false;
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) || ts.isExportDeclaration(stmt) || ts.isExportAssignment(stmt))
      return 'esm';
    const mods = ts.canHaveModifiers(stmt) ? ts.getModifiers(stmt) : undefined;
    if (mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return 'esm';
    if (
      ts.isVariableStatement(stmt) &&
      stmt.declarationList.declarations.some((d) => d.initializer && containsRequire(d.initializer))
    )
      requires = true;
    if (ts.isExpressionStatement(stmt) && containsRequire(stmt.expression)) requires = true;
  }
  if (requires) return 'cjs';
  if (fallback) return fallback;
  return /\.c[jt]s$/.test(sf.fileName) ? 'cjs' : 'esm';
}

function containsRequire(node: ts.Node): boolean {
  if (isRequireOf(node)) return true;
  return ts.forEachChild(node, (child) => (containsRequire(child) ? true : undefined)) ?? false;
}

/** Compares specifiers, treating `./x`, `./x.js` and `./x.ts` as the same relative module. */
function sameModule(a: string, b: string): boolean {
  if (a === b) return true;
  const rel = (s: string) => s.startsWith('./') || s.startsWith('../');
  if (!rel(a) || !rel(b)) return false;
  const strip = (s: string) => s.replace(/\.(?:[cm]?[jt]s)$/, '');
  return strip(a) === strip(b);
}

/** Top-level names already bound in the file, with the module they come from (null: declared locally). */
function topLevelBindings(sf: ts.SourceFile): Map<string, string | null> {
  const names = new Map<string, string | null>();
  const addBinding = (name: ts.BindingName, from: string | null) => {
    if (ts.isIdentifier(name)) names.set(name.text, from);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name, from);
  };
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt) && ts.isStringLiteral(stmt.moduleSpecifier)) {
      const from = stmt.moduleSpecifier.text;
      const clause = stmt.importClause;
      if (clause?.name) names.set(clause.name.text, from);
      if (clause?.namedBindings) {
        if (ts.isNamespaceImport(clause.namedBindings)) names.set(clause.namedBindings.name.text, from);
        else for (const el of clause.namedBindings.elements) names.set(el.name.text, from);
      }
    } else if (ts.isVariableStatement(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        const from =
          decl.initializer && isRequireOf(decl.initializer)
            ? (decl.initializer.arguments[0] as ts.StringLiteral).text
            : null;
        addBinding(decl.name, from);
      }
    } else if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) && stmt.name) {
      names.set(stmt.name.text, null);
    }
  }
  return names;
}

/** "auth as adminAuth" → { imported: "auth", local: "adminAuth" }; "auth" → both "auth". */
function splitNamed(entry: string): { imported: string; local: string } {
  const m = /^\s*(\S+)\s+as\s+(\S+)\s*$/.exec(entry);
  return m ? { imported: m[1]!, local: m[2]! } : { imported: entry.trim(), local: entry.trim() };
}

/** A named import as written in the list: `a`, `a as b` (ESM) or `a: b` (CommonJS destructuring). */
function namedText(entry: string, system: 'esm' | 'cjs'): string {
  const { imported, local } = splitNamed(entry);
  if (imported === local) return local;
  return system === 'cjs' ? `${imported}: ${local}` : `${imported} as ${local}`;
}

function snippetFor(
  opts: EnsureImportOptions,
  system: 'esm' | 'cjs',
  quote: "'" | '"',
  semi: string,
): string {
  const spec = quoteString(opts.module, quote);
  const named = (opts.named ?? []).map((entry) => namedText(entry, system));
  if (system === 'cjs') {
    const lines: string[] = [];
    const whole = opts.default ?? opts.namespace;
    if (whole) lines.push(`const ${whole} = require(${spec})${semi}`);
    if (named.length > 0) lines.push(`const { ${named.join(', ')} } = ${whole ?? `require(${spec})`}${semi}`);
    if (lines.length === 0) lines.push(`require(${spec})${semi}`);
    return lines.join('\n');
  }
  const parts: string[] = [];
  if (opts.default) parts.push(opts.default);
  if (opts.namespace) parts.push(`* as ${opts.namespace}`);
  if (named.length > 0) parts.push(`{ ${named.join(', ')} }`);
  if (opts.namespace && named.length > 0) {
    // `import * as ns, { a }` is not valid syntax: two statements.
    const first = [opts.default, `* as ${opts.namespace}`].filter(Boolean).join(', ');
    return `import ${first} from ${spec}${semi}\nimport { ${named.join(', ')} } from ${spec}${semi}`;
  }
  return parts.length === 0 ? `import ${spec}${semi}` : `import ${parts.join(', ')} from ${spec}${semi}`;
}

/**
 * Where a first import goes when the file has none: after the "prologue" (shebang, directives such
 * as 'use strict', and header comments separated by a blank line), before the first statement and
 * the comments attached directly above it.
 */
function insertionAtTop(sf: ts.SourceFile): { pos: number; prefix: string; suffix: string } {
  const text = sf.text;
  const first = sf.statements.find((s) => !(ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)));
  if (!first) {
    const needsNl = text !== '' && !text.endsWith('\n');
    return { pos: text.length, prefix: needsNl ? '\n\n' : text === '' ? '' : '\n', suffix: '' };
  }
  let pos = first.getStart(sf);
  const comments = ts.getLeadingCommentRanges(text, first.getFullStart()) ?? [];
  for (const comment of [...comments].reverse()) {
    if (/\n\s*\n/.test(text.slice(comment.end, pos))) break;
    pos = comment.pos;
  }
  pos = text.lastIndexOf('\n', pos - 1) + 1;
  return { pos, prefix: '', suffix: '\n' };
}

/**
 * Ensures an import (ESM) or require (CommonJS) of `module` binding the requested names. Adds
 * missing named imports to an existing import of the module, otherwise inserts a new statement
 * after the last import/require (in CommonJS also after the statements that load the app's
 * environment, see env-loading.ts), or at the top. Never duplicates; a name already bound to
 * something else is `not-applicable`. Idempotent.
 */
export function ensureImport(opts: EnsureImportOptions): Codemod {
  return (file: SourceFile): PatchResult => {
    const sf = file.compilerNode;
    const text = sf.text;
    const style = detectStyle(text, sf.fileName);
    const semi = style.semicolons ? ';' : '';
    const system = detectModuleSystem(sf, opts.moduleSystem);
    const bindings = topLevelBindings(sf);
    const wanted = [
      opts.default,
      opts.namespace,
      ...(opts.named ?? []).map((n) => splitNamed(n).local),
    ].filter((n): n is string => Boolean(n));
    for (const name of wanted) {
      const from = bindings.get(name);
      if (bindings.has(name) && (from === null || from === undefined || !sameModule(from, opts.module))) {
        return {
          status: 'not-applicable',
          why: `\`${name}\` is already declared in ${sf.fileName.replace(/^\/project\//, '')} and does not come from ${opts.module}`,
          snippet: snippetFor(opts, system, style.quote, semi),
        };
      }
    }
    const missing = wanted.filter((name) => !bindings.has(name));
    if (missing.length === 0) return { status: 'already-present' };
    const missingNamed = (opts.named ?? []).filter((n) => missing.includes(splitNamed(n).local));
    const needWhole =
      (opts.default && missing.includes(opts.default)) ||
      (opts.namespace && missing.includes(opts.namespace));

    if (system === 'esm') {
      // Add named imports to an existing `import { … } from module` or `import x from module`.
      if (!needWhole && missingNamed.length > 0) {
        for (const stmt of sf.statements) {
          if (
            !ts.isImportDeclaration(stmt) ||
            !ts.isStringLiteral(stmt.moduleSpecifier) ||
            !sameModule(stmt.moduleSpecifier.text, opts.module)
          )
            continue;
          const clause = stmt.importClause;
          if (!clause || clause.isTypeOnly) continue;
          if (clause.namedBindings && ts.isNamedImports(clause.namedBindings)) {
            addToList(
              file,
              clause.namedBindings.elements,
              clause.namedBindings,
              missingNamed.map((n) => namedText(n, 'esm')),
            );
            return { status: 'applied' };
          }
          if (clause.name && !clause.namedBindings) {
            file.insertText(
              clause.name.getEnd(),
              `, { ${missingNamed.map((n) => namedText(n, 'esm')).join(', ')} }`,
            );
            return { status: 'applied' };
          }
        }
      }
    } else if (!needWhole && missingNamed.length > 0) {
      for (const stmt of sf.statements) {
        if (!ts.isVariableStatement(stmt)) continue;
        for (const decl of stmt.declarationList.declarations) {
          if (
            !decl.initializer ||
            !isRequireOf(decl.initializer) ||
            !sameModule((decl.initializer.arguments[0] as ts.StringLiteral).text, opts.module)
          )
            continue;
          if (ts.isObjectBindingPattern(decl.name)) {
            addToList(
              file,
              decl.name.elements,
              decl.name,
              missingNamed.map((n) => namedText(n, 'cjs')),
            );
            return { status: 'applied' };
          }
        }
      }
    }

    // A new statement with only the missing parts.
    const partial: EnsureImportOptions = {
      module: opts.module,
      default: opts.default && missing.includes(opts.default) ? opts.default : undefined,
      namespace: opts.namespace && missing.includes(opts.namespace) ? opts.namespace : undefined,
      named: missingNamed,
    };
    if (!partial.default && !partial.namespace && partial.named?.length === 0)
      return { status: 'already-present' };
    const statement = snippetFor(partial, system, style.quote, semi);
    let last: ts.Statement | undefined;
    for (const stmt of sf.statements) {
      if (system === 'esm' && ts.isImportDeclaration(stmt)) last = stmt;
      if (
        system === 'cjs' &&
        ts.isVariableStatement(stmt) &&
        stmt.declarationList.declarations.some((d) => d.initializer && isRequireOf(d.initializer))
      )
        last = stmt;
      if (system === 'cjs' && ts.isExpressionStatement(stmt) && isRequireOf(stmt.expression)) last = stmt;
      // CommonJS requires run in order: the app's `require('dotenv').config()` must come first.
      if (system === 'cjs' && loadsEnvironment(stmt, bindings)) last = stmt;
    }
    if (last) {
      const nl = text.indexOf('\n', last.getEnd());
      if (nl === -1) file.insertText(text.length, `\n${statement}`);
      else file.insertText(nl + 1, `${statement}\n`);
    } else {
      const at = insertionAtTop(sf);
      file.insertText(at.pos, `${at.prefix}${statement}\n${at.suffix}`);
    }
    return { status: 'applied' };
  };
}

/** Adds names to `{ a, b }` (import specifiers or a binding pattern), keeping one-line or multi-line layout. */
function addToList(file: SourceFile, elements: ts.NodeArray<ts.Node>, list: ts.Node, names: string[]): void {
  const sf = file.compilerNode;
  const text = sf.text;
  const listText = text.slice(list.getStart(sf), list.getEnd());
  if (elements.length === 0) {
    // `{}` → `{ a }`
    const open = list.getStart(sf) + 1;
    file.insertText(open, ` ${names.join(', ')} `);
    return;
  }
  const lastEl = elements[elements.length - 1];
  const hasTrailingComma = elements.hasTrailingComma;
  if (listText.includes('\n')) {
    const lineStart = text.lastIndexOf('\n', lastEl.getStart(sf) - 1) + 1;
    const indent = text.slice(lineStart, lastEl.getStart(sf));
    let insertAt = lastEl.getEnd();
    if (hasTrailingComma) insertAt = text.indexOf(',', insertAt) + 1;
    const added = names
      .map((n, i) => `\n${indent}${n}${hasTrailingComma || i < names.length - 1 ? ',' : ''}`)
      .join('');
    file.insertText(insertAt, `${hasTrailingComma ? '' : ','}${added}`);
  } else {
    file.insertText(lastEl.getEnd(), `, ${names.join(', ')}`);
  }
}
