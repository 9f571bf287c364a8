import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { ProjectInfo } from './project-info.js';
import type { SourceScan } from './source-files.js';
import { moduleBindings, unwrap } from './ast-bindings.js';

/**
 * The app module that exports a ready PrismaClient, so generated code reuses it instead of
 * opening a second connection pool. Matched structurally: a top-level variable initialised
 * with `new PrismaClient(...)` (also `globalThis.x ?? new PrismaClient()`), exported by
 * `export const`, `export { x }`, `export { x as y }`, `export default x`, or CommonJS
 * `module.exports = { x }` / `exports.x = x` / `module.exports = x` (reported as "default").
 * A client built inside a function is not reusable and is ignored. The first match by path wins.
 *
 * The app's entry is never reused even when it exports a client: pow's config would import the
 * entry while the entry imports pow's config, and the client would not exist yet when pow's
 * config runs (`Cannot access 'prisma' before initialization`). pow then writes its own module.
 */
export function detectPrismaClientModule(
  scan: SourceScan,
  entryPath: string | null = null,
): ProjectInfo['prismaClientModule'] {
  const paths = [...scan.files.keys()].sort();
  for (const relative of paths) {
    if (relative === entryPath) continue;
    const file = scan.files.get(relative);
    if (file === undefined) continue;
    const exportName = exportedClient(file);
    if (exportName !== null) return { path: relative, exportName };
  }
  return null;
}

function exportedClient(file: SourceFile): string | null {
  const clientNames = new Set<string>();
  for (const [local, binding] of moduleBindings(file))
    if (binding.imported === 'PrismaClient') clientNames.add(local);
  if (clientNames.size === 0) return null;

  const isNewClient = (node: Node | undefined): boolean => {
    if (node === undefined) return false;
    const target = unwrap(node);
    if (Node.isNewExpression(target)) {
      const callee = unwrap(target.getExpression());
      return Node.isIdentifier(callee) && clientNames.has(callee.getText());
    }
    if (Node.isBinaryExpression(target)) {
      const operator = target.getOperatorToken().getText();
      return (
        (operator === '??' || operator === '||') &&
        (isNewClient(target.getLeft()) || isNewClient(target.getRight()))
      );
    }
    return false;
  };

  // Top-level variables holding a client, and whether they carry `export` themselves.
  const clients = new Map<string, boolean>();
  for (const statement of file.getVariableStatements()) {
    for (const declaration of statement.getDeclarations()) {
      if (Node.isIdentifier(declaration.getNameNode()) && isNewClient(declaration.getInitializer())) {
        clients.set(declaration.getName(), statement.isExported());
      }
    }
  }
  for (const [name, exported] of clients) if (exported) return name;

  for (const declaration of file.getExportDeclarations()) {
    if (declaration.getModuleSpecifier() !== undefined) continue;
    for (const specifier of declaration.getNamedExports()) {
      if (clients.has(specifier.getName())) return specifier.getAliasNode()?.getText() ?? specifier.getName();
    }
  }
  for (const assignment of file.getExportAssignments()) {
    const expression = assignment.getExpression();
    if (isNewClient(expression)) return 'default';
    const target = unwrap(expression);
    if (Node.isIdentifier(target) && clients.has(target.getText())) return 'default';
  }

  // CommonJS: module.exports = ..., module.exports.x = ..., exports.x = ...
  for (const statement of file.getStatements()) {
    if (!Node.isExpressionStatement(statement)) continue;
    const expression = unwrap(statement.getExpression());
    if (
      !Node.isBinaryExpression(expression) ||
      expression.getOperatorToken().getKind() !== SyntaxKind.EqualsToken
    )
      continue;
    const left = unwrap(expression.getLeft());
    const right = unwrap(expression.getRight());
    const isClient = (node: Node) =>
      isNewClient(node) || (Node.isIdentifier(node) && clients.has(node.getText()));
    if (isModuleExports(left)) {
      if (isClient(right)) return 'default';
      if (Node.isObjectLiteralExpression(right)) {
        for (const property of right.getProperties()) {
          if (Node.isShorthandPropertyAssignment(property) && clients.has(property.getName()))
            return property.getName();
          if (Node.isPropertyAssignment(property)) {
            const initializer = property.getInitializer();
            if (initializer !== undefined && isClient(initializer)) return property.getName();
          }
        }
      }
    } else if (
      Node.isPropertyAccessExpression(left) &&
      isExportsObject(unwrap(left.getExpression())) &&
      isClient(right)
    ) {
      return left.getName();
    }
  }
  return null;
}

function isModuleExports(node: Node): boolean {
  return (
    Node.isPropertyAccessExpression(node) &&
    node.getName() === 'exports' &&
    Node.isIdentifier(node.getExpression()) &&
    node.getExpression().getText() === 'module'
  );
}

function isExportsObject(node: Node): boolean {
  return (Node.isIdentifier(node) && node.getText() === 'exports') || isModuleExports(node);
}
