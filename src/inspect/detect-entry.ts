import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import type { EntryInfo, ProjectInfo } from './project-info.js';
import type { PackageData } from './detect-package.js';
import type { ProjectFiles } from './read-project.js';
import type { SourceScan } from './source-files.js';
import { evaluatePath } from './eval-path.js';
import { moduleBindings, stringValue, unwrap } from './ast-bindings.js';

/** An `express()` call found in the app, with what pow needs to patch around it. */
export interface ExpressApp {
  entry: EntryInfo;
  file: SourceFile;
  /** The variable holding the app in its own scope (also inside a factory function), or null. */
  localName: string | null;
  /** The function the app is built in, or the file for top-level apps. */
  scope: Node;
}

/**
 * Finds the file that creates the Express app: a call of the `express` default import
 * (ES import, `import x = require`, or `require('express')`), matched structurally.
 * Top-level `const app = express()` is patchable; an app built inside a function, or one that is
 * not stored in a variable, is reported with the reason so `install` can emit a manual step.
 * With several candidates, a patchable one wins, then one named in package.json scripts/main.
 */
export function detectEntry(scan: SourceScan, pkg: PackageData): ExpressApp | null {
  const found: ExpressApp[] = [];
  for (const [relative, file] of scan.files) {
    for (const call of expressCalls(file)) found.push(describe(relative, file, call));
  }
  if (found.length === 0) return null;
  const mentioned = [pkg.main ?? '', ...Object.values(pkg.scripts)].join(' ');
  const rank = (app: ExpressApp) =>
    (app.entry.patchable ? 0 : 2) + (mentioned.includes(withoutExtension(app.entry.path)) ? 0 : 1);
  found.sort((a, b) => rank(a) - rank(b) || a.entry.path.localeCompare(b.entry.path));
  return found[0] ?? null;
}

/** Reads `app.set('views', ...)` and `app.set('view engine', ...)` for the detected app. */
export function detectViews(files: ProjectFiles, app: ExpressApp | null): ProjectInfo['views'] {
  let dir: string | null = null;
  let engine: string | null = null;
  if (app !== null && app.localName !== null) {
    for (const call of app.scope.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'set') continue;
      const receiver = unwrap(callee.getExpression());
      if (!Node.isIdentifier(receiver) || receiver.getText() !== app.localName) continue;
      // Only calls in the scope the app was built in (not another function's own `app`).
      if (enclosingFunction(call) !== app.scope) continue;
      const [key, value] = call.getArguments();
      const setting = stringValue(key);
      if (setting === 'view engine') engine = stringValue(value) ?? engine;
      if (setting === 'views' && value !== undefined) {
        const absolute = evaluatePath(value, app.file, files.abs(app.entry.path), files.root);
        if (absolute !== null) dir = files.rel(absolute);
      }
    }
  }
  // Express's default is "<working directory>/views".
  if (dir === null && files.isDirectory('views')) dir = 'views';
  return { dir, engine };
}

function expressCalls(file: SourceFile): CallExpression[] {
  const names = new Set<string>();
  for (const [local, binding] of moduleBindings(file)) {
    if (binding.module === 'express' && (binding.imported === 'default' || binding.imported === '*'))
      names.add(local);
  }
  if (names.size === 0) return [];
  return file.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => {
    const callee = unwrap(call.getExpression());
    return Node.isIdentifier(callee) && names.has(callee.getText());
  });
}

function describe(relative: string, file: SourceFile, call: CallExpression): ExpressApp {
  const line = call.getStartLineNumber();
  const fn = enclosingFunction(call);
  const declaration = assignedVariable(call);
  const localName = declaration?.getName() ?? null;
  if (fn !== file) {
    const fnName = functionName(fn);
    return {
      entry: {
        path: relative,
        appVariable: null,
        patchable: false,
        reason: `express() is called inside ${fnName} (${relative}:${line}), so pow cannot tell which app to add its routes to`,
      },
      file,
      localName,
      scope: fn,
    };
  }
  if (localName === null) {
    return {
      entry: {
        path: relative,
        appVariable: null,
        patchable: false,
        reason: `the result of express() (${relative}:${line}) is not stored in a variable`,
      },
      file,
      localName: null,
      scope: file,
    };
  }
  return { entry: { path: relative, appVariable: localName, patchable: true }, file, localName, scope: file };
}

/** The `const app = express()` declaration the call initialises (through parentheses/casts). */
function assignedVariable(call: CallExpression) {
  let node: Node = call;
  let parent = node.getParent();
  while (
    parent !== undefined &&
    (Node.isParenthesizedExpression(parent) ||
      Node.isAsExpression(parent) ||
      Node.isSatisfiesExpression(parent))
  ) {
    node = parent;
    parent = node.getParent();
  }
  if (parent !== undefined && Node.isVariableDeclaration(parent) && parent.getInitializer() === node) {
    return Node.isIdentifier(parent.getNameNode()) ? parent : undefined;
  }
  return undefined;
}

/** The nearest function around a node, or its source file. */
function enclosingFunction(node: Node): Node {
  return (
    node.getFirstAncestor(
      (ancestor) =>
        Node.isFunctionDeclaration(ancestor) ||
        Node.isFunctionExpression(ancestor) ||
        Node.isArrowFunction(ancestor) ||
        Node.isMethodDeclaration(ancestor) ||
        Node.isConstructorDeclaration(ancestor),
    ) ?? node.getSourceFile()
  );
}

function functionName(fn: Node): string {
  if (Node.isFunctionDeclaration(fn) || Node.isMethodDeclaration(fn))
    return `${fn.getName() ?? 'a function'}()`;
  const parent = fn.getParent();
  if (parent !== undefined && Node.isVariableDeclaration(parent)) return `${parent.getName()}()`;
  return 'a function';
}

function withoutExtension(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') ? file.slice(0, dot) : file;
}

/**
 * True when the app shows a page at `/` of its own: the app answers `GET /` (`app.get('/')`,
 * `app.all('/')`, `app.route('/')`), serves static files (an index.html), or renders views (a view
 * engine is set). A JSON API without any of these has no page to land on after sign-in.
 */
export function detectHomePage(app: ExpressApp | null, views: ProjectInfo['views']): boolean {
  if (app === null) return true;
  if (views.engine !== null) return true;
  for (const call of app.file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const method = callee.getName();
    if (method === 'static') return true;
    if (['get', 'all', 'route'].includes(method) && stringValue(call.getArguments()[0]) === '/') {
      const receiver = unwrap(callee.getExpression());
      if (app.localName === null || (Node.isIdentifier(receiver) && receiver.getText() === app.localName))
        return true;
    }
  }
  return false;
}
