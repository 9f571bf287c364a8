import { createRequire } from 'node:module';
import { ts } from 'ts-morph';
import type { ProjectInfo } from '../inspect/project-info.js';
import { detectStyle, scriptKindOf } from './codemods/style.js';
import { transformUnsupported } from './errors.js';

/**
 * Post-render transforms (shadcn-style pipeline). Templates are written once, in TypeScript + ESM
 * with `.js` relative imports (NodeNext style); these pure functions derive what each project needs:
 * - `stripTypes`: TS → JS (ts-blank-space, then the blanked gaps are tidied away);
 * - `esmToCjs`: ESM → CommonJS for plain-JS CommonJS projects;
 * - `rewriteRelativeImports`: `.js` on relative specifiers, or none;
 * - `outputFileName`: `.ts` → `.js` for JS projects.
 * `transformForProject` chains them for one emitted file.
 */

const CODE_FILE = /\.(?:[cm]?ts|tsx)$/;

type BlankSpace = typeof import('ts-blank-space').default;
let blankSpace: BlankSpace | undefined;

/**
 * ts-blank-space, loaded on the first `stripTypes`: it imports the `typescript` package (9 MB,
 * a second copy beside the one ts-morph bundles, which Node scans twice when an ES module imports
 * it), and only JavaScript projects need it: loading it with every generation was about a fifth of
 * `pow install`'s start-up CPU (issue 18). `require()` of this ES module is synchronous on Node
 * >= 20.19, pow's engines floor.
 */
function tsBlankSpace(...args: Parameters<BlankSpace>): string {
  blankSpace ??= (createRequire(import.meta.url)('ts-blank-space') as { default: BlankSpace }).default;
  return blankSpace(...args);
}

/** Facts of the project the transforms need (a subset of ProjectInfo). */
export type TransformTarget = Pick<ProjectInfo, 'language' | 'moduleSystem' | 'relativeImportExtension'>;

// ---------------------------------------------------------------------------------------------
// stripTypes

/**
 * Removes TypeScript syntax, keeping the code's own layout: ts-blank-space replaces types with
 * spaces, then lines that only held types are dropped (with a comment block attached directly
 * above them), in-line gaps are closed (`a: string, b` → `a, b`), and runs of blank lines are
 * collapsed. Syntax that has no plain-JS equivalent (enum, namespace, parameter properties,
 * `<T>x` assertions) throws POW_TRANSFORM_UNSUPPORTED: templates must not use it.
 */
export function stripTypes(source: string, fileName = 'template.ts'): string {
  const unsupported: string[] = [];
  const blanked = tsBlankSpace(source, (node) => {
    unsupported.push(source.slice(node.pos, node.end).trim().split('\n')[0] ?? '');
  });
  if (unsupported.length > 0)
    throw transformUnsupported(fileName, `unsupported TypeScript syntax: ${unsupported.join('; ')}`);

  const inLines = source.split('\n');
  const outLines = blanked.split('\n');
  const erased = inLines.map((line, i) => line.trim() !== '' && (outLines[i] ?? '').trim() === '');
  // A ";" ts-blank-space left for a removed statement is erased too.
  outLines.forEach((line, i) => {
    if (line.trim() === ';' && inLines[i].trim() !== ';') erased[i] = true;
  });
  // Comments attached directly above an erased type declaration document it: drop them too
  // (never a comment at the very start of the file, which is a header, and never the comments
  // above a type-only import or export).
  for (const [from, to] of typeDeclarationComments(source, fileName)) {
    const first = source.slice(0, from).split('\n').length - 1;
    const last = source.slice(0, to).split('\n').length - 1;
    const startsLine = source.slice(source.lastIndexOf('\n', from - 1) + 1, from).trim() === '';
    const lineEnd = source.indexOf('\n', to);
    const endsLine = source.slice(to, lineEnd === -1 ? source.length : lineEnd).trim() === '';
    if (!startsLine || !endsLine) continue;
    for (let k = first; k <= last; k += 1) erased[k] = true;
  }

  const kept: string[] = [];
  for (let i = 0; i < inLines.length; i += 1) {
    if (erased[i]) continue;
    kept.push(tidyLine(inLines[i], outLines[i] ?? ''));
  }
  // Collapse blank-line runs and trim leading blank lines.
  const collapsed: string[] = [];
  for (const line of kept) {
    const blank = line.trim() === '';
    if (blank && (collapsed.length === 0 || collapsed[collapsed.length - 1].trim() === '')) continue;
    collapsed.push(blank ? '' : line);
  }
  while (collapsed.length > 0 && collapsed[collapsed.length - 1] === '') collapsed.pop();
  return collapsed.length === 0 ? '' : `${collapsed.join('\n')}\n`;
}

/** Ranges of the comments attached to interfaces, type aliases, `declare`s and erased class members. */
function typeDeclarationComments(source: string, fileName: string): [number, number][] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const ranges: [number, number][] = [];
  const isDeclare = (node: ts.Node) =>
    ts.canHaveModifiers(node) &&
    (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
  const isTypeOnly = (node: ts.Node): boolean =>
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    isDeclare(node) ||
    (ts.isMethodDeclaration(node) && node.body === undefined) ||
    ts.isIndexSignatureDeclaration(node) ||
    (ts.isFunctionDeclaration(node) && node.body === undefined);
  const collect = (node: ts.Node): void => {
    const comments = ts.getLeadingCommentRanges(source, node.getFullStart()) ?? [];
    let attachedFrom = node.getStart(sf);
    for (const c of [...comments].reverse()) {
      if (/\n\s*\n/.test(source.slice(c.end, attachedFrom)) || c.pos === 0) break;
      ranges.push([c.pos, c.end]);
      attachedFrom = c.pos;
    }
  };
  const visit = (nodes: readonly ts.Node[]) => {
    for (const node of nodes) {
      if (isTypeOnly(node)) collect(node);
      else if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) visit(node.members);
    }
  };
  visit(sf.statements);
  return ranges;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Closes the gaps ts-blank-space left in one line (same length as the input line). */
function tidyLine(inLine: string, outLine: string): string {
  if (inLine === outLine) return outLine;
  // Ranges of erased characters, merged across whitespace that separates them.
  const ranges: [number, number][] = [];
  let i = 0;
  while (i < outLine.length) {
    if (outLine[i] === ' ' && inLine[i] !== ' ' && inLine[i] !== '\t') {
      const start = i;
      let end = i + 1;
      for (;;) {
        while (end < outLine.length && outLine[end] === ' ' && inLine[end] !== ' ' && inLine[end] !== '\t')
          end += 1;
        let k = end;
        while (k < outLine.length && isSpace(inLine[k]) && outLine[k] === inLine[k]) k += 1;
        if (k < outLine.length && k > end && outLine[k] === ' ' && inLine[k] !== ' ' && inLine[k] !== '\t') {
          end = k;
          continue;
        }
        break;
      }
      ranges.push([start, end]);
      i = end;
    } else {
      i += 1;
    }
  }
  let line = outLine;
  for (const [s, e] of ranges.reverse()) {
    let wsStart = s;
    while (wsStart > 0 && isSpace(line[wsStart - 1])) wsStart -= 1;
    let wsEnd = e;
    while (wsEnd < line.length && isSpace(line[wsEnd])) wsEnd += 1;
    const prev = wsStart > 0 ? line[wsStart - 1] : undefined;
    const next = wsEnd < line.length ? line[wsEnd] : undefined;
    let from: number;
    let to: number;
    if (line.slice(0, wsStart).trim() === '' && prev === undefined) {
      // Start of the line: keep the indentation.
      from = s;
      to = wsEnd;
    } else if (next === undefined) {
      from = wsStart;
      to = wsEnd;
    } else if (prev === ',' && (next === '}' || next === ')' || next === ']')) {
      // `{ a, type B }` → `{ a }`: the comma went with the erased element.
      from = wsStart - 1;
      to = e;
    } else if (
      (prev === '{' && next === '}') ||
      (prev === '(' && next === ')') ||
      (prev === '[' && next === ']')
    ) {
      from = wsStart;
      to = wsEnd;
    } else if (next === ';' || next === ',' || next === ')' || next === ']' || next === '}') {
      from = wsStart;
      to = e;
      if (next === '}' && wsStart === s) to = e;
    } else if (prev === '(' || prev === '[') {
      from = wsStart;
      to = wsEnd;
    } else if (wsStart < s) {
      from = s;
      to = wsEnd;
    } else {
      from = s;
      to = e;
    }
    line = line.slice(0, from) + line.slice(to);
  }
  return line.replace(/[ \t]+$/, '');
}

// ---------------------------------------------------------------------------------------------
// rewriteRelativeImports

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

function moduleSpecifiers(sf: ts.SourceFile): ts.StringLiteral[] {
  const found: ts.StringLiteral[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0]);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/**
 * Applies the project's relative-import rule to every relative specifier (`import`, `export … from`,
 * `require()`, `import()`): with "" a trailing `.js` is dropped (`./x.js` → `./x`); with ".js" a
 * specifier without an extension gets one. Package specifiers are never touched.
 */
export function rewriteRelativeImports(source: string, extension: '' | '.js', fileName = 'file.ts'): string {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const edits: Edit[] = [];
  for (const literal of moduleSpecifiers(sf)) {
    const spec = literal.text;
    if (!spec.startsWith('./') && !spec.startsWith('../')) continue;
    let next = spec;
    if (extension === '') next = spec.replace(/\.js$/, '');
    else if (!/\.[A-Za-z0-9]+$/.test(spec.split('/').pop() ?? '')) next = `${spec}.js`;
    if (next === spec) continue;
    const start = literal.getStart(sf);
    const quote = source.charAt(start);
    edits.push({ start, end: literal.getEnd(), text: `${quote}${next}${quote}` });
  }
  return applyEdits(source, edits);
}

// ---------------------------------------------------------------------------------------------
// esmToCjs

/**
 * Converts ES module syntax to CommonJS, editing only the import/export statements:
 * - `import x from 'm'` → `const x = require('m')`; `import { a, b as c }` → `const { a, b: c } = require(…)`;
 *   `import * as ns` → `const ns = require(…)`; `import 'm'` → `require('m')`;
 * - `export` on declarations is dropped and the names are exported at the end of the file:
 *   `module.exports = { a, b };`, or with a default export `module.exports = x;` followed by
 *   `module.exports.a = a;`; `export default <expression>` becomes `module.exports = <expression>` in place;
 * - `import.meta.dirname` / `import.meta.filename` → `__dirname` / `__filename`.
 * Throws POW_TRANSFORM_UNSUPPORTED for `export *`, other `import.meta` uses and top-level await.
 */
export function esmToCjs(source: string, fileName = 'file.js'): string {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const style = detectStyle(source, fileName);
  const semi = style.semicolons ? ';' : '';
  const edits: Edit[] = [];
  const named: [exported: string, value: string][] = [];
  let defaultName: string | null = null;
  let defaultInPlace = false;
  const unsupported = (what: string): never => {
    throw transformUnsupported(fileName, what);
  };

  const removeStatement = (node: ts.Node): void => {
    let start = node.getStart(sf);
    let end = node.getEnd();
    const lineStart = source.lastIndexOf('\n', start - 1) + 1;
    if (source.slice(lineStart, start).trim() === '') start = lineStart;
    const lineEnd = source.indexOf('\n', end);
    const restEnd = lineEnd === -1 ? source.length : lineEnd + 1;
    if (source.slice(end, restEnd).trim() === '') end = restEnd;
    edits.push({ start, end, text: '' });
  };
  /** Removes `export ` (and `default `) modifiers from a declaration. */
  const dropExportModifiers = (node: ts.HasModifiers): void => {
    const mods = ts.getModifiers(node) ?? [];
    const exp = mods.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exp) return;
    const def = mods.find((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    const last = def ?? exp;
    let end = last.getEnd();
    while (isSpace(source[end])) end += 1;
    edits.push({ start: exp.getStart(sf), end, text: '' });
  };
  const bindingNames = (name: ts.BindingName, out: string[]): void => {
    if (ts.isIdentifier(name)) out.push(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, out);
  };

  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt)) {
      const spec = stmt.moduleSpecifier.getText(sf);
      const clause = stmt.importClause;
      const end = source.slice(stmt.getStart(sf), stmt.getEnd()).trimEnd().endsWith(';') ? semi || ';' : semi;
      if (!clause) {
        edits.push({ start: stmt.getStart(sf), end: stmt.getEnd(), text: `require(${spec})${end}` });
        continue;
      }
      if (clause.isTypeOnly) {
        removeStatement(stmt);
        continue;
      }
      const lines: string[] = [];
      const def = clause.name?.text;
      let destructure: string | null = null;
      let namespace: string | null = null;
      if (clause.namedBindings) {
        if (ts.isNamespaceImport(clause.namedBindings)) namespace = clause.namedBindings.name.text;
        else {
          const parts = clause.namedBindings.elements
            .filter((el) => !el.isTypeOnly)
            .map((el) => (el.propertyName ? `${el.propertyName.text}: ${el.name.text}` : el.name.text));
          if (parts.length > 0) destructure = `{ ${parts.join(', ')} }`;
        }
      }
      const first = def ?? namespace;
      if (first) lines.push(`const ${first} = require(${spec})${end}`);
      if (def && namespace) lines.push(`const ${namespace} = ${def}${end}`);
      if (destructure)
        lines.push(
          first ? `const ${destructure} = ${first}${end}` : `const ${destructure} = require(${spec})${end}`,
        );
      if (lines.length === 0) {
        edits.push({ start: stmt.getStart(sf), end: stmt.getEnd(), text: `require(${spec})${end}` });
      } else {
        const indent = source.slice(source.lastIndexOf('\n', stmt.getStart(sf) - 1) + 1, stmt.getStart(sf));
        edits.push({ start: stmt.getStart(sf), end: stmt.getEnd(), text: lines.join(`\n${indent}`) });
      }
      continue;
    }
    if (ts.isExportDeclaration(stmt)) {
      if (stmt.isTypeOnly) {
        removeStatement(stmt);
        continue;
      }
      if (!stmt.exportClause || !ts.isNamedExports(stmt.exportClause)) {
        unsupported('`export *` has no CommonJS equivalent pow can emit');
        continue;
      }
      const from = stmt.moduleSpecifier ? stmt.moduleSpecifier.getText(sf) : null;
      for (const el of stmt.exportClause.elements) {
        if (el.isTypeOnly) continue;
        const local = (el.propertyName ?? el.name).text;
        const exported = el.name.text;
        const value = from ? `require(${from}).${local}` : local;
        if (exported === 'default') defaultName = value;
        else named.push([exported, value]);
      }
      removeStatement(stmt);
      continue;
    }
    if (ts.isExportAssignment(stmt)) {
      if (stmt.isExportEquals) unsupported('`export =`');
      if (ts.isIdentifier(stmt.expression)) {
        defaultName = stmt.expression.text;
        removeStatement(stmt);
      } else {
        const start = stmt.getStart(sf);
        edits.push({ start, end: stmt.expression.getStart(sf), text: 'module.exports = ' });
        defaultInPlace = true;
      }
      continue;
    }
    const mods = ts.canHaveModifiers(stmt) ? (ts.getModifiers(stmt) ?? []) : [];
    const isExported = mods.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!isExported) continue;
    const isDefault = mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if (ts.isVariableStatement(stmt)) {
      dropExportModifiers(stmt);
      const names: string[] = [];
      for (const decl of stmt.declarationList.declarations) bindingNames(decl.name, names);
      for (const n of names) named.push([n, n]);
    } else if (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) {
      if (isDefault && !stmt.name) {
        const exp = mods.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)!;
        const def = mods.find((m) => m.kind === ts.SyntaxKind.DefaultKeyword)!;
        let end = def.getEnd();
        while (isSpace(source[end])) end += 1;
        edits.push({ start: exp.getStart(sf), end, text: 'module.exports = ' });
        if (semi) edits.push({ start: stmt.getEnd(), end: stmt.getEnd(), text: semi });
        defaultInPlace = true;
      } else {
        dropExportModifiers(stmt);
        const name = stmt.name!.text;
        if (isDefault) defaultName = name;
        else named.push([name, name]);
      }
    } else {
      // Type-only declarations are gone after stripTypes; anything else is a template bug.
      unsupported(`export of ${ts.SyntaxKind[stmt.kind]}`);
    }
  }

  // import.meta and top-level await.
  const visit = (node: ts.Node, inFunction: boolean): void => {
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      const parent = node.parent;
      if (
        ts.isPropertyAccessExpression(parent) &&
        parent.expression === node &&
        (parent.name.text === 'dirname' || parent.name.text === 'filename')
      ) {
        edits.push({
          start: parent.getStart(sf),
          end: parent.getEnd(),
          text: parent.name.text === 'dirname' ? '__dirname' : '__filename',
        });
        return;
      }
      unsupported('`import.meta` other than import.meta.dirname / import.meta.filename');
    }
    if (!inFunction && (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier))) {
      unsupported('top-level await');
    }
    const fn = inFunction || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
    ts.forEachChild(node, (child) => visit(child, fn));
  };
  visit(sf, false);

  // Removed export lists can leave two blank lines in a row; keep one.
  let out = applyEdits(source, edits).replace(/\n{3,}/g, '\n\n');
  const tail: string[] = [];
  if (defaultName !== null && defaultInPlace) unsupported('two default exports');
  if (defaultName !== null) {
    tail.push(`module.exports = ${defaultName}${semi}`);
    for (const [exported, value] of named) tail.push(`module.exports.${exported} = ${value}${semi}`);
  } else if (defaultInPlace) {
    for (const [exported, value] of named) tail.push(`module.exports.${exported} = ${value}${semi}`);
  } else if (named.length > 0) {
    const props = named.map(([exported, value]) => (exported === value ? exported : `${exported}: ${value}`));
    tail.push(`module.exports = { ${props.join(', ')} }${semi}`);
  }
  if (tail.length > 0) {
    out = out.replace(/\s*$/, '');
    out = `${out}${out === '' ? '' : '\n\n'}${tail.join('\n')}\n`;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// file names and the pipeline

/** Output file name for the project's language: `.ts`/`.mts`/`.cts` → `.js`/`.mjs`/`.cjs` for JS projects. */
export function outputFileName(path: string, language: 'ts' | 'js'): string {
  if (language === 'ts') return path;
  return path
    .replace(/\.ts$/, '.js')
    .replace(/\.mts$/, '.mjs')
    .replace(/\.cts$/, '.cjs')
    .replace(/\.tsx$/, '.jsx');
}

/**
 * Runs the pipeline for one rendered file. Non-code files (views, CSS, Prisma) pass through
 * unchanged. TS projects keep ESM syntax (tsc compiles it to CJS when the project is CommonJS);
 * JS projects get types stripped and, for CommonJS, require/module.exports. Returns the output
 * path and text.
 */
export function transformForProject(
  path: string,
  source: string,
  target: TransformTarget,
): { path: string; content: string } {
  if (!CODE_FILE.test(path)) return { path, content: source };
  let content = source;
  if (target.language === 'js') {
    content = stripTypes(content, path);
    if (target.moduleSystem === 'cjs') content = esmToCjs(content, outputFileName(path, 'js'));
  }
  content = rewriteRelativeImports(
    content,
    target.relativeImportExtension,
    outputFileName(path, target.language),
  );
  return { path: outputFileName(path, target.language), content };
}
