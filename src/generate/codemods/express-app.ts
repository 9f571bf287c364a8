import { ts, type SourceFile } from 'ts-morph';

/** The top-level `const app = express()` a codemod anchors on. */
export interface AppAnchor {
  /** Variable holding the app. */
  name: string;
  /** Index of its statement in `sourceFile.statements`. */
  index: number;
  statement: ts.Statement;
}

const HTTP_METHODS = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'del',
  'all',
  'route',
  'param',
  'options',
  'head',
]);
const SETUP_METHODS = new Set(['set', 'enable', 'disable', 'engine']);

/** Names bound to the express module (`import express from 'express'`, `const express = require('express')`). */
function expressBindings(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const stmt of sf.statements) {
    if (
      ts.isImportDeclaration(stmt) &&
      ts.isStringLiteral(stmt.moduleSpecifier) &&
      stmt.moduleSpecifier.text === 'express'
    ) {
      const clause = stmt.importClause;
      if (clause?.name) names.add(clause.name.text);
      if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings))
        names.add(clause.namedBindings.name.text);
    }
    if (ts.isVariableStatement(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.initializer && isRequireOf(decl.initializer, 'express'))
          names.add(decl.name.text);
      }
    }
  }
  return names;
}

/** True for `require('<module>')`. */
export function isRequireOf(node: ts.Node, module?: string): node is ts.CallExpression {
  return (
    ts.isCallExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'require' &&
    node.arguments.length === 1 &&
    ts.isStringLiteral(node.arguments[0]) &&
    (module === undefined || node.arguments[0].text === module)
  );
}

/**
 * Finds the app: a top-level variable initialised with a call of the express binding
 * (`const app = express()`), or the variable named `appVariable` when given. Null when the app is
 * built somewhere pow cannot patch safely (inside a function, a factory module, ...).
 */
export function findExpressApp(sf: ts.SourceFile, appVariable?: string | null): AppAnchor | null {
  const bindings = expressBindings(sf);
  if (bindings.size === 0) bindings.add('express');
  for (const [index, stmt] of sf.statements.entries()) {
    if (!ts.isVariableStatement(stmt)) continue;
    for (const decl of stmt.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || !decl.initializer || !ts.isCallExpression(decl.initializer))
        continue;
      const callee = decl.initializer.expression;
      const matches = appVariable
        ? decl.name.text === appVariable
        : ts.isIdentifier(callee) && bindings.has(callee.text);
      if (matches) return { name: decl.name.text, index, statement: stmt };
    }
  }
  return null;
}

/** `app.<method>(...)` as an expression statement: returns the call, else null. */
export function appCall(stmt: ts.Statement, app: string): { method: string; call: ts.CallExpression } | null {
  if (!ts.isExpressionStatement(stmt) || !ts.isCallExpression(stmt.expression)) return null;
  const callee = stmt.expression.expression;
  if (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === app
  ) {
    return { method: callee.name.text, call: stmt.expression };
  }
  return null;
}

/** True when `node` mentions the identifier `name` as a value (not as a property name). */
export function mentions(node: ts.Node, name: string): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === name) {
      const parent = n.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === n) ||
        (ts.isPropertyAssignment(parent) && parent.name === n);
      if (!isPropertyName) found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function isFunctionWithParams(node: ts.Node, count: number): boolean {
  return (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && node.parameters.length === count;
}

function isPathArg(node: ts.Node): boolean {
  return (
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateExpression(node) ||
    ts.isRegularExpressionLiteral(node) ||
    ts.isArrayLiteralExpression(node)
  );
}

/** `routes()`, `createRouter()`, `api.router()`: a call that builds the app's own routes. */
function isRouterFactoryCall(node: ts.Node): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  const name = ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee)
      ? callee.name.text
      : '';
  return /rout/i.test(name);
}

/**
 * How a statement after the app declaration relates to pow's middleware:
 * - `setup`: app configuration that must run before pow (app.set/enable/engine, `app.use(factory())`
 *   middleware such as body parsers, sessions, static files, inline `(req, res, next)` middleware,
 *   also when mounted at a path: `app.use('/admin', adminAuth.middleware())`; a call whose name
 *   mentions "rout" is the app's own router, not setup);
 * - `error-handler`: `app.use((err, req, res, next) => …)`;
 * - `stop`: the app's own routes and everything that uses the finished app (route methods,
 *   `app.use(router)`, `app.use('/path', router)`, listen, exports, any other statement mentioning the app);
 * - `other`: unrelated to the app.
 */
export function classifyStatement(
  stmt: ts.Statement,
  app: string,
): 'setup' | 'error-handler' | 'stop' | 'other' {
  const call = appCall(stmt, app);
  if (call) {
    if (SETUP_METHODS.has(call.method)) return 'setup';
    if (HTTP_METHODS.has(call.method) || call.method === 'listen') return 'stop';
    if (call.method === 'use') {
      const args = call.call.arguments;
      if (args.length === 0) return 'other';
      if (args.length === 1 && isFunctionWithParams(args[0], 4)) return 'error-handler';
      const handlers = isPathArg(args[0]) ? args.slice(1) : [...args];
      if (handlers.length === 0 || handlers.some(isRouterFactoryCall)) return 'stop';
      const isMiddleware = (a: ts.Node) =>
        ts.isCallExpression(a) || isFunctionWithParams(a, 3) || isFunctionWithParams(a, 2);
      return handlers.every(isMiddleware) ? 'setup' : 'stop';
    }
    return 'stop';
  }
  // `app.locals.x = …` configures the app.
  if (
    ts.isExpressionStatement(stmt) &&
    ts.isBinaryExpression(stmt.expression) &&
    stmt.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isPropertyAccessExpression(stmt.expression.left) &&
    ts.isPropertyAccessExpression(stmt.expression.left.expression) &&
    ts.isIdentifier(stmt.expression.left.expression.expression) &&
    stmt.expression.left.expression.expression.text === app
  ) {
    return 'setup';
  }
  if (ts.isExportAssignment(stmt) || ts.isExportDeclaration(stmt)) return 'stop';
  if (mentions(stmt, app)) return 'stop';
  return 'other';
}

/** `app.use(<args>)` statements at the top level (for already-present checks). */
export function topLevelAppCalls(sf: ts.SourceFile, app: string, method: string): ts.CallExpression[] {
  const out: ts.CallExpression[] = [];
  for (const stmt of sf.statements) {
    const call = appCall(stmt, app);
    if (call && call.method === method) out.push(call.call);
  }
  return out;
}

/** Source text of a call's arguments, as written. */
export function argsText(sf: ts.SourceFile, call: ts.CallExpression): string {
  if (call.arguments.length === 0) return '';
  return sf.text.slice(call.arguments[0].getStart(sf), call.arguments[call.arguments.length - 1].getEnd());
}

/** Inserts a line after the line on which `stmt` ends (after any trailing comment). */
export function insertLineAfter(file: SourceFile, stmt: ts.Statement, line: string): void {
  const text = file.getFullText();
  const nl = text.indexOf('\n', stmt.getEnd());
  if (nl === -1) file.insertText(text.length, `\n${line}`);
  else file.insertText(nl + 1, `${line}\n`);
}

/**
 * Inserts a line before `stmt` (and before the comments attached above it). A blank line separates
 * the insert from the statement when one separated it from the code above.
 */
export function insertLineBefore(file: SourceFile, stmt: ts.Statement, line: string): void {
  const sf = file.compilerNode;
  const text = sf.text;
  const comments = ts.getLeadingCommentRanges(text, stmt.getFullStart()) ?? [];
  let start = comments.length > 0 ? comments[0].pos : stmt.getStart(sf);
  start = text.lastIndexOf('\n', start - 1) + 1;
  const before = text.slice(0, start);
  const blankAbove = /\n\s*\n$/.test(before) || before.trim() === '';
  file.insertText(start, blankAbove ? `${line}\n\n` : `${line}\n`);
}
