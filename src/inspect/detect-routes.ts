import path from 'node:path';
import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import type { AppRoute, ProjectInfo } from './project-info.js';

type AppRoutesInfo = NonNullable<ProjectInfo['appRoutes']>;
import type { ProjectFiles } from './read-project.js';
import type { SourceScan } from './source-files.js';
import { moduleBindings, requiredModule, stringValue, unwrap, type ModuleBinding } from './ast-bindings.js';
import { createOwnRoutes } from '../runtime/express/forgery.js';
import { POW_PATHS } from '../runtime/express/routes.js';

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'options', 'head']);
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL']);
/** Mounts are followed this deep (app → router → router ...). */
const MAX_MOUNT_DEPTH = 8;

/** A variable holding `express()` or a router, identified by its file and name. */
type RouterKey = string;
const keyOf = (file: string, name: string): RouterKey => `${file}#${name}`;

interface Registration {
  router: RouterKey;
  method: string;
  path: string;
  file: string;
  line: number;
  json: boolean;
}

interface Mount {
  parent: RouterKey;
  prefix: string;
  child: RouterKey;
}

/**
 * The routes the app registers, in every file of its source: `app.<method>(path, ...)`,
 * `router.<method>(...)` and `router.route(path).<method>(...)` on a variable holding `express()`,
 * `express.Router()` or `Router()`. Mounts (`app.use('/api', router)`, also of a router imported
 * from another file or `require`d inline) are followed to the full path. A route is an API route
 * when its path is under `/api`, or a handler answers with `.json(...)` (inline, a function of the
 * file, or the module it is imported from), or it belongs to a router (not the app) that has such
 * a handler. Structural, like the other detectors: nothing runs.
 *
 * Files pow generated (owned or managed in `.pow/manifest.json`) are skipped: their routes are
 * pow's own.
 */
export function detectAppRoutes(files: ProjectFiles, scan: SourceScan): AppRoutesInfo {
  const generated = generatedFiles(files);
  const routers = new Map<RouterKey, 'app' | 'router'>();
  const registrations: Registration[] = [];
  const mounts: Mount[] = [];
  const sources = [...scan.files].filter(([relative]) => !generated.has(relative));

  for (const [relative, file] of sources) {
    for (const [name, kind] of routerVariables(file)) routers.set(keyOf(relative, name), kind);
  }
  for (const [relative, file] of sources) {
    const bindings = moduleBindings(file);
    const routerOf = (node: Node): RouterKey | null => {
      const target = unwrap(node);
      if (Node.isIdentifier(target)) {
        const local = keyOf(relative, target.getText());
        if (routers.has(local)) return local;
        const binding = bindings.get(target.getText());
        return binding ? importedRouter(scan, relative, binding, routers) : null;
      }
      const module = requiredModule(target);
      return module === null
        ? null
        : importedRouter(scan, relative, { module, imported: 'default' }, routers);
    };
    for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!Node.isPropertyAccessExpression(callee)) continue;
      const method = callee.getName();
      if (method === 'use') {
        const parent = routerOf(callee.getExpression());
        if (parent === null) continue;
        const args = call.getArguments();
        const prefix = args.length > 0 ? stringValue(args[0]) : null;
        for (const arg of prefix === null ? args : args.slice(1)) {
          const child = routerOf(arg);
          if (child !== null && child !== parent) mounts.push({ parent, prefix: prefix ?? '', child });
        }
        continue;
      }
      if (!HTTP_METHODS.has(method)) continue;
      const target = routeTarget(callee.getExpression(), call, routerOf);
      if (target === null) continue;
      registrations.push({
        router: target.router,
        method: method.toUpperCase(),
        path: target.path,
        file: relative,
        line: call.getStartLineNumber(),
        json: target.handlers.some((handler) => answersJson(handler, relative, bindings, scan)),
      });
    }
  }

  const prefixes = mountPrefixes(routers, mounts);
  // A router (not the app itself) with one JSON route is an API router: all its routes count.
  const jsonRouters = new Set(
    registrations
      .filter((registration) => registration.json && routers.get(registration.router) === 'router')
      .map((registration) => registration.router),
  );
  // The paths pow's pages take once installed (users at the root): the app's routes there are
  // answered by pow's router, mounted first, or need pow's CSRF token.
  const powPaths = createOwnRoutes('', Object.values(POW_PATHS));
  const routes: AppRoute[] = [];
  for (const registration of registrations) {
    for (const prefix of prefixes.get(registration.router) ?? ['']) {
      const full = joinRoutePath(prefix, registration.path);
      const api = registration.json || jsonRouters.has(registration.router) || /^\/api(\/|$)/i.test(full);
      routes.push({
        method: registration.method,
        path: full,
        file: registration.file,
        line: registration.line,
        api,
        powPath: powPaths.owns(full),
      });
    }
  }
  routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  const apiRoutes = routes.filter((route) => route.api);
  return {
    routes,
    apiRoutes: apiRoutes.length,
    apiWriteRoutes: apiRoutes.filter((route) => UNSAFE_METHODS.has(route.method)).length,
  };
}

/** `x.<method>(path, ...handlers)` or `x.route(path).<method>(...handlers)` on a router. */
function routeTarget(
  receiver: Node,
  call: CallExpression,
  routerOf: (node: Node) => RouterKey | null,
): { router: RouterKey; path: string; handlers: Node[] } | null {
  const args = call.getArguments();
  let chained = unwrap(receiver);
  // router.route('/p').get(a).post(b): walk back along the chain to `.route(path)`.
  while (Node.isCallExpression(chained)) {
    const inner = chained.getExpression();
    if (!Node.isPropertyAccessExpression(inner)) return null;
    if (inner.getName() === 'route') {
      const router = routerOf(inner.getExpression());
      const routePath = stringValue(chained.getArguments()[0]);
      return router === null || routePath === null ? null : { router, path: routePath, handlers: args };
    }
    if (!HTTP_METHODS.has(inner.getName())) return null;
    chained = unwrap(inner.getExpression());
  }
  // `app.get('env')` reads a setting: a route needs a path and at least one handler.
  if (args.length < 2) return null;
  const router = routerOf(receiver);
  const routePath = stringValue(args[0]);
  return router === null || routePath === null ? null : { router, path: routePath, handlers: args.slice(1) };
}

/** Variables of the file initialised with `express()`, `express.Router()` or `Router()`. */
function routerVariables(file: SourceFile): Map<string, 'app' | 'router'> {
  const expressNames = new Set<string>();
  const routerFactories = new Set<string>();
  for (const [local, binding] of moduleBindings(file)) {
    if (binding.module !== 'express') continue;
    if (binding.imported === 'default' || binding.imported === '*') expressNames.add(local);
    if (binding.imported === 'Router') routerFactories.add(local);
  }
  const out = new Map<string, 'app' | 'router'>();
  if (expressNames.size === 0 && routerFactories.size === 0) return out;
  for (const declaration of file.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    const name = declaration.getNameNode();
    const init = declaration.getInitializer();
    if (!Node.isIdentifier(name) || init === undefined) continue;
    const value = unwrap(init);
    if (!Node.isCallExpression(value) && !Node.isNewExpression(value)) continue;
    const callee = unwrap(value.getExpression());
    if (Node.isIdentifier(callee) && expressNames.has(callee.getText())) out.set(name.getText(), 'app');
    else if (Node.isIdentifier(callee) && routerFactories.has(callee.getText()))
      out.set(name.getText(), 'router');
    else if (
      Node.isPropertyAccessExpression(callee) &&
      callee.getName() === 'Router' &&
      expressNames.has(unwrap(callee.getExpression()).getText())
    )
      out.set(name.getText(), 'router');
  }
  return out;
}

/** The router an import refers to: the exported variable of a scanned file of the app. */
function importedRouter(
  scan: SourceScan,
  from: string,
  binding: ModuleBinding,
  routers: Map<RouterKey, 'app' | 'router'>,
): RouterKey | null {
  const target = resolveModule(scan, from, binding.module);
  if (target === null) return null;
  const local = exportedLocal(scan.files.get(target)!, binding.imported);
  if (local === null) return null;
  const key = keyOf(target, local);
  return routers.has(key) ? key : null;
}

/** A relative specifier resolved to a scanned file (TypeScript's `.js` → `.ts` included). */
function resolveModule(scan: SourceScan, from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const stem = base.replace(/\.[cm]?[jt]sx?$/, '');
  const candidates = [base];
  for (const extension of ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'])
    candidates.push(`${stem}${extension}`, `${base}/index${extension}`);
  return candidates.find((candidate) => scan.files.has(candidate)) ?? null;
}

/** The local name behind export `name` ("default" too) of a file, ES or CommonJS. */
function exportedLocal(file: SourceFile, name: string): string | null {
  if (name === 'default' || name === '*') {
    for (const assignment of file.getExportAssignments()) {
      const expression = unwrap(assignment.getExpression());
      if (Node.isIdentifier(expression)) return expression.getText();
    }
  }
  for (const declaration of file.getExportedDeclarations().get(name) ?? []) {
    if (Node.isVariableDeclaration(declaration)) return declaration.getName();
  }
  // CommonJS: module.exports = x, module.exports.name = x, exports.name = x.
  for (const statement of file.getStatements()) {
    if (!Node.isExpressionStatement(statement)) continue;
    const expression = statement.getExpression();
    if (!Node.isBinaryExpression(expression) || expression.getOperatorToken().getText() !== '=') continue;
    const left = expression.getLeft().getText();
    const right = unwrap(expression.getRight());
    if (!Node.isIdentifier(right)) continue;
    if ((name === 'default' || name === '*') && left === 'module.exports') return right.getText();
    if (left === `module.exports.${name}` || left === `exports.${name}`) return right.getText();
  }
  return null;
}

function hasJsonCall(node: Node): boolean {
  const isJsonCall = (call: CallExpression) => {
    const callee = call.getExpression();
    return Node.isPropertyAccessExpression(callee) && callee.getName() === 'json';
  };
  if (Node.isCallExpression(node) && isJsonCall(node)) return true;
  return node.getDescendantsOfKind(SyntaxKind.CallExpression).some(isJsonCall);
}

/** Does this handler answer with `.json(...)`? Inline, a function of the file, or its module. */
function answersJson(
  handler: Node,
  relative: string,
  bindings: Map<string, ModuleBinding>,
  scan: SourceScan,
): boolean {
  const target = unwrap(handler);
  if (!Node.isIdentifier(target) && !Node.isPropertyAccessExpression(target)) return hasJsonCall(target);
  const base = Node.isPropertyAccessExpression(target) ? unwrap(target.getExpression()) : target;
  if (!Node.isIdentifier(base)) return false;
  const binding = bindings.get(base.getText());
  if (binding === undefined) {
    const file = scan.files.get(relative)!;
    const local = file.getFunction(base.getText()) ?? file.getVariableDeclaration(base.getText());
    return local !== undefined && hasJsonCall(local);
  }
  const module = resolveModule(scan, relative, binding.module);
  if (module === null) return false;
  const file = scan.files.get(module)!;
  const exported = file.getExportedDeclarations().get(binding.imported === '*' ? '' : binding.imported);
  return exported !== undefined && exported.length > 0 ? exported.some(hasJsonCall) : hasJsonCall(file);
}

/** Every full prefix each router is reachable under from an app (`express()`). */
function mountPrefixes(routers: Map<RouterKey, 'app' | 'router'>, mounts: Mount[]): Map<RouterKey, string[]> {
  const out = new Map<RouterKey, string[]>();
  const visit = (router: RouterKey, prefix: string, depth: number) => {
    const list = out.get(router) ?? [];
    if (list.includes(prefix) || depth > MAX_MOUNT_DEPTH) return;
    list.push(prefix);
    out.set(router, list);
    for (const mount of mounts)
      if (mount.parent === router) visit(mount.child, joinRoutePath(prefix, mount.prefix), depth + 1);
  };
  for (const [key, kind] of routers) if (kind === 'app') visit(key, '', 0);
  // A router never mounted where pow can see it (mounted by a function call, say): paths as written.
  for (const key of routers.keys()) if (!out.has(key)) visit(key, '', 0);
  return out;
}

function joinRoutePath(prefix: string, routePath: string): string {
  const joined = `${prefix.replace(/\/+$/, '')}/${routePath.replace(/^\/+/, '')}`;
  return joined.length > 1 ? joined.replace(/\/+$/, '') || '/' : '/';
}

/** Files pow generated and owns (their routes are pow's); the entry it patched is the app's. */
function generatedFiles(files: ProjectFiles): Set<string> {
  try {
    const manifest = files.readJson('.pow/manifest.json') as
      { files?: Record<string, { ownership?: string }> } | undefined;
    const entries = Object.entries(manifest?.files ?? {});
    return new Set(entries.filter(([, entry]) => entry.ownership !== 'patched').map(([file]) => file));
  } catch {
    return new Set();
  }
}
