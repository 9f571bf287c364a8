import path from 'node:path';
import { Node, Project, SyntaxKind, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import type { ProjectFiles } from './read-project.js';
import { evaluatePath } from './eval-path.js';
import { inspectErrors } from './errors.js';
import { moduleBindings, stringValue, unwrap } from './ast-bindings.js';

const CONFIG_FILES = [
  'prisma.config.ts',
  'prisma.config.mts',
  'prisma.config.cts',
  'prisma.config.js',
  'prisma.config.mjs',
  'prisma.config.cjs',
];

/** What pow reads from prisma.config.ts (Prisma 6.x+/7): all values are absolute paths. */
export interface PrismaConfigInfo {
  /** Root-relative name of the config file. */
  file: string;
  schema: string | null;
  migrationsPath: string | null;
  /** The env var of `datasource.url`: `env('X')`, `process.env.X` or `process.env['X']`. */
  urlEnvVar: string | null;
}

/**
 * Parses prisma.config.* with ts-morph (never executes it): finds the object passed to
 * `defineConfig(...)` (or exported directly) and reads `schema`, `migrations.path` and
 * `datasource.url`. Relative paths resolve against the config file's folder, as Prisma does.
 */
export function detectPrismaConfig(files: ProjectFiles): PrismaConfigInfo | null {
  const file = CONFIG_FILES.find((name) => files.isFile(name));
  if (file === undefined) return null;
  const project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true },
  });
  const source = project.createSourceFile(`/${file}`, files.read(file));
  const config = configObject(source);
  if (config === null) {
    throw inspectErrors.prismaConfigInvalid(
      file,
      'no `export default defineConfig({ ... })` (or module.exports) found',
    );
  }
  const configPath = files.abs(file);
  const configDir = path.dirname(configPath);
  const pathOf = (key: string, object: ObjectLiteralExpression): string | null => {
    const value = propertyValue(object, key);
    if (value === undefined) return null;
    const resolved = evaluatePath(value, source, configPath, configDir);
    if (resolved === null)
      throw inspectErrors.prismaConfigInvalid(file, `${key} is not a literal path (${value.getText()})`);
    return resolved;
  };

  const migrations = objectProperty(config, 'migrations');
  const datasource = objectProperty(config, 'datasource');
  const url = datasource ? propertyValue(datasource, 'url') : undefined;
  return {
    file,
    schema: pathOf('schema', config),
    migrationsPath: migrations ? pathOf('path', migrations) : null,
    urlEnvVar: url === undefined ? null : envVarOf(url, source),
  };
}

function configObject(source: SourceFile): ObjectLiteralExpression | null {
  const candidates: Node[] = source.getExportAssignments().map((assignment) => assignment.getExpression());
  for (const statement of source.getStatements()) {
    if (!Node.isExpressionStatement(statement)) continue;
    const expression = unwrap(statement.getExpression());
    if (Node.isBinaryExpression(expression) && expression.getLeft().getText() === 'module.exports') {
      candidates.push(expression.getRight());
    }
  }
  for (const candidate of candidates) {
    let target = unwrap(candidate);
    if (Node.isCallExpression(target)) {
      const [argument] = target.getArguments();
      if (argument === undefined) continue;
      target = unwrap(argument);
    }
    if (Node.isIdentifier(target)) {
      const initializer = source.getVariableDeclaration(target.getText())?.getInitializer();
      if (initializer !== undefined) target = unwrap(initializer);
      if (Node.isCallExpression(target)) target = unwrap(target.getArguments()[0] ?? target);
    }
    if (Node.isObjectLiteralExpression(target)) return target;
  }
  return null;
}

function propertyValue(object: ObjectLiteralExpression, key: string): Node | undefined {
  const property = object.getProperty(key);
  if (property === undefined) return undefined;
  if (Node.isPropertyAssignment(property)) return property.getInitializer();
  if (Node.isShorthandPropertyAssignment(property)) {
    return property.getSourceFile().getVariableDeclaration(property.getName())?.getInitializer();
  }
  return undefined;
}

function objectProperty(object: ObjectLiteralExpression, key: string): ObjectLiteralExpression | null {
  const value = propertyValue(object, key);
  const target = value === undefined ? undefined : unwrap(value);
  return target !== undefined && Node.isObjectLiteralExpression(target) ? target : null;
}

/** `env('X')` (from prisma/config), `process.env.X`, `process.env['X']`, or `a ?? b` of those. */
function envVarOf(node: Node, source: SourceFile): string | null {
  const target = unwrap(node);
  if (Node.isCallExpression(target)) {
    const callee = unwrap(target.getExpression());
    const binding = Node.isIdentifier(callee) ? moduleBindings(source).get(callee.getText()) : undefined;
    const isEnv = binding?.imported === 'env' || (Node.isIdentifier(callee) && callee.getText() === 'env');
    return isEnv ? stringValue(target.getArguments()[0]) : null;
  }
  if (Node.isPropertyAccessExpression(target) && isProcessEnv(target.getExpression()))
    return target.getName();
  if (Node.isElementAccessExpression(target) && isProcessEnv(target.getExpression())) {
    return stringValue(target.getArgumentExpression());
  }
  if (
    Node.isBinaryExpression(target) &&
    target.getOperatorToken().getKind() === SyntaxKind.QuestionQuestionToken
  ) {
    return envVarOf(target.getLeft(), source) ?? envVarOf(target.getRight(), source);
  }
  return null;
}

function isProcessEnv(node: Node): boolean {
  const target = unwrap(node);
  return (
    Node.isPropertyAccessExpression(target) &&
    target.getName() === 'env' &&
    Node.isIdentifier(target.getExpression()) &&
    target.getExpression().getText() === 'process'
  );
}
