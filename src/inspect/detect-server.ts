/**
 * How the app is started and where it listens, read from the app rather than assumed: the
 * package.json script a developer runs (`dev`, else `start`), and the port of its `listen(...)`
 * call. The port is the literal (`app.listen(3001)`) or the development fallback of the variable
 * it reads (`process.env.PORT || 3001`, `Number(process.env.PORT ?? 3001)`, through a `const port`
 * or `app.set('port', ...)`). pow's next steps and the development base URL of its mails use it.
 */
import { Node, SyntaxKind, type CallExpression, type SourceFile } from 'ts-morph';
import type { PackageData } from './detect-package.js';
import type { ServerInfo } from './project-info.js';
import type { SourceScan } from './source-files.js';
import { stringValue, unwrap } from './ast-bindings.js';

/** What one `listen(...)` argument says about the port. */
interface PortValue {
  port: number | null;
  envVar: string | null;
}

const NONE: PortValue = { port: null, envVar: null };
/** How deep a port expression is followed through variables (`const port = normalize(PORT)`...). */
const MAX_DEPTH = 6;

const DOTENV_PACKAGES = ['dotenv', 'dotenv-flow', 'dotenv-safe', '@dotenvx/dotenvx'];

/** `scan` holds the files that call `listen(` or `loadEnvFile(`. */
export function detectServer(scan: SourceScan, pkg: PackageData, homePage: boolean): ServerInfo {
  const startScript =
    pkg.scripts.dev !== undefined ? 'dev' : pkg.scripts.start !== undefined ? 'start' : null;
  const scripts = Object.values(pkg.scripts).join(' ');
  const found: { file: string; value: PortValue; mentioned: boolean }[] = [];
  for (const [relative, file] of scan.files) {
    for (const call of listenCalls(file)) {
      const [first] = call.getArguments();
      const value = first === undefined ? NONE : portOf(first, file, 0);
      found.push({ file: relative, value, mentioned: scripts.includes(withoutExtension(relative)) });
    }
  }
  // A call that tells the port wins, then one in a file the scripts run.
  const rank = (f: (typeof found)[number]) =>
    (f.value.port !== null || f.value.envVar !== null ? 0 : 2) + (f.mentioned ? 0 : 1);
  found.sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file));
  const best = found[0];
  return {
    homePage,
    startScript,
    listenFile: best?.file ?? null,
    port: best?.value.port ?? null,
    portEnvVar: best?.value.envVar ?? null,
    loadsDotEnv:
      DOTENV_PACKAGES.some((name) => pkg.dependencies[name] !== undefined) ||
      (startScript !== null && pkg.scripts[startScript]!.includes('--env-file')) ||
      [...scan.files.values()].some((file) => file.getFullText().includes('loadEnvFile(')),
  };
}

/** `x.listen(...)` calls with at least one argument (servers, not e.g. `emitter.listen()`). */
function listenCalls(file: SourceFile): CallExpression[] {
  return file.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => {
    const callee = call.getExpression();
    return (
      Node.isPropertyAccessExpression(callee) &&
      callee.getName() === 'listen' &&
      call.getArguments().length > 0
    );
  });
}

function portOf(node: Node, file: SourceFile, depth: number): PortValue {
  if (depth > MAX_DEPTH) return NONE;
  const target = unwrap(node);
  if (Node.isNumericLiteral(target))
    return { port: validPort(Number(target.getLiteralValue())), envVar: null };
  const text = stringValue(target);
  if (text !== null) return /^\d+$/.test(text) ? { port: validPort(Number(text)), envVar: null } : NONE;
  const env = envVarOf(target);
  if (env !== null) return { port: null, envVar: env };
  if (Node.isBinaryExpression(target)) {
    const operator = target.getOperatorToken().getKind();
    if (operator === SyntaxKind.BarBarToken || operator === SyntaxKind.QuestionQuestionToken) {
      const left = portOf(target.getLeft(), file, depth + 1);
      const right = portOf(target.getRight(), file, depth + 1);
      return { port: left.port ?? right.port, envVar: left.envVar ?? right.envVar };
    }
    return NONE;
  }
  if (Node.isPrefixUnaryExpression(target)) return portOf(target.getOperand(), file, depth + 1);
  if (Node.isCallExpression(target)) {
    // Number(x), parseInt(x, 10), normalizePort(x) (express-generator): the port is the argument.
    const [argument] = target.getArguments();
    const app = appGetPort(target);
    if (app !== null) return portOf(app, file, depth + 1);
    return argument === undefined ? NONE : portOf(argument, file, depth + 1);
  }
  if (Node.isIdentifier(target)) {
    const initializer = declarationOf(file, target.getText());
    return initializer === undefined ? NONE : portOf(initializer, file, depth + 1);
  }
  return NONE;
}

/** `process.env.PORT` / `process.env['PORT']` → "PORT". */
function envVarOf(node: Node): string | null {
  let object: Node;
  let name: string | null;
  if (Node.isPropertyAccessExpression(node)) {
    object = node.getExpression();
    name = node.getName();
  } else if (Node.isElementAccessExpression(node)) {
    object = node.getExpression();
    const argument = node.getArgumentExpression();
    name = argument === undefined ? null : stringValue(argument);
  } else {
    return null;
  }
  return name !== null && unwrap(object).getText().replace(/\s/g, '') === 'process.env' ? name : null;
}

/** For `app.get('port')`: the value of the file's `app.set('port', value)`, else null. */
function appGetPort(call: CallExpression): Node | null {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'get') return null;
  if (stringValue(call.getArguments()[0]) !== 'port') return null;
  const receiver = unwrap(callee.getExpression()).getText();
  for (const other of call.getSourceFile().getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const otherCallee = other.getExpression();
    if (
      Node.isPropertyAccessExpression(otherCallee) &&
      otherCallee.getName() === 'set' &&
      unwrap(otherCallee.getExpression()).getText() === receiver &&
      stringValue(other.getArguments()[0]) === 'port'
    ) {
      return other.getArguments()[1] ?? null;
    }
  }
  return null;
}

/** The initializer of a variable of this name in the file (the first declaration). */
function declarationOf(file: SourceFile, name: string): Node | undefined {
  for (const declaration of file.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    if (declaration.getName() === name) return declaration.getInitializer();
  }
  return undefined;
}

function validPort(port: number): number | null {
  // 0 asks the system for any free port: nothing a person can open.
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

function withoutExtension(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') ? file.slice(0, dot) : file;
}
