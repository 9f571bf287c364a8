import { Node, SyntaxKind, type Expression, type SourceFile } from 'ts-morph';

/** What a top-level local name refers to: an export of a module ("default", "*" or a name). */
export interface ModuleBinding {
  module: string;
  imported: string;
}

/**
 * Local names bound to imports in a file: ES imports, `import x = require()`, and top-level
 * `const x = require('m')` / `const { a, b: c } = require('m')`.
 */
export function moduleBindings(file: SourceFile): Map<string, ModuleBinding> {
  const bindings = new Map<string, ModuleBinding>();
  for (const declaration of file.getImportDeclarations()) {
    const module = declaration.getModuleSpecifierValue();
    const defaultImport = declaration.getDefaultImport();
    if (defaultImport) bindings.set(defaultImport.getText(), { module, imported: 'default' });
    const namespace = declaration.getNamespaceImport();
    if (namespace) bindings.set(namespace.getText(), { module, imported: '*' });
    for (const specifier of declaration.getNamedImports()) {
      const local = specifier.getAliasNode()?.getText() ?? specifier.getName();
      bindings.set(local, { module, imported: specifier.getName() });
    }
  }
  for (const declaration of file.getDescendantsOfKind(SyntaxKind.ImportEqualsDeclaration)) {
    const reference = declaration.getModuleReference();
    if (Node.isExternalModuleReference(reference)) {
      const expression = reference.getExpression();
      if (expression && Node.isStringLiteral(expression)) {
        bindings.set(declaration.getName(), { module: expression.getLiteralValue(), imported: 'default' });
      }
    }
  }
  for (const statement of file.getVariableStatements()) {
    for (const declaration of statement.getDeclarations()) {
      const module = requiredModule(declaration.getInitializer());
      if (module === null) continue;
      const name = declaration.getNameNode();
      if (Node.isIdentifier(name)) {
        bindings.set(name.getText(), { module, imported: 'default' });
      } else if (Node.isObjectBindingPattern(name)) {
        for (const element of name.getElements()) {
          const imported = element.getPropertyNameNode()?.getText() ?? element.getName();
          bindings.set(element.getName(), { module, imported });
        }
      }
    }
  }
  return bindings;
}

/** `require('m')` (possibly `require('m').default`) → "m"; anything else → null. */
export function requiredModule(node: Node | undefined): string | null {
  if (node === undefined) return null;
  let target = unwrap(node);
  if (Node.isPropertyAccessExpression(target) && target.getName() === 'default')
    target = target.getExpression();
  if (!Node.isCallExpression(target)) return null;
  const callee = target.getExpression();
  const [argument] = target.getArguments();
  if (!Node.isIdentifier(callee) || callee.getText() !== 'require' || argument === undefined) return null;
  return Node.isStringLiteral(argument) ? argument.getLiteralValue() : null;
}

/** Strips parentheses, `as`, `satisfies`, `!` and type assertions around an expression. */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    if (
      Node.isParenthesizedExpression(current) ||
      Node.isAsExpression(current) ||
      Node.isSatisfiesExpression(current) ||
      Node.isNonNullExpression(current) ||
      Node.isTypeAssertion(current)
    ) {
      current = current.getExpression();
    } else {
      return current;
    }
  }
}

/** True when `node` is `import.meta`. */
export function isImportMeta(node: Node): boolean {
  return Node.isMetaProperty(node) && node.getKeywordToken() === SyntaxKind.ImportKeyword;
}

/** The string value of a string literal or a template without substitutions, else null. */
export function stringValue(node: Node | undefined): string | null {
  if (node === undefined) return null;
  const target = unwrap(node);
  if (Node.isStringLiteral(target) || Node.isNoSubstitutionTemplateLiteral(target)) {
    return target.getLiteralValue();
  }
  return null;
}

/** True when `binding` is the given module (with or without the `node:` prefix). */
export function isModule(binding: ModuleBinding | undefined, name: string): boolean {
  return binding !== undefined && (binding.module === name || binding.module === `node:${name}`);
}

/** The top-level `const/let/var name = <init>` of a file, or undefined. */
export function topLevelInitializer(file: SourceFile, name: string): Expression | undefined {
  return file.getVariableDeclaration(name)?.getInitializer();
}
