/**
 * The statements of an entry that load the app's environment: `require('dotenv').config()`,
 * `dotenv.config()`, `config()` (destructured from dotenv), `require('dotenv/config')`,
 * `process.loadEnvFile()`, and the same for dotenv-flow, dotenv-safe, dotenv-expand and dotenvx.
 *
 * pow's own requires go after them, so that in a CommonJS entry (where requires run in order) the
 * app's environment is loaded before pow's configuration module runs. In an ES module entry the
 * imports all run before the body anyway, so there only `import 'dotenv/config'` matters, and it
 * is an import like the others. (pow's runtime also reads its settings at start-up, not at import,
 * so either way the app's own loading keeps working.)
 */
import { ts } from 'ts-morph';
import { isRequireOf } from './express-app.js';

const ENV_MODULE = /^(?:dotenv|dotenv-flow|dotenv-safe|dotenv-expand|@dotenvx\/dotenvx)(?:\/config)?$/;
const LOADERS = new Set(['config', 'load', 'expand']);

/** True for a module whose import alone loads the environment (`dotenv/config`). */
function loadsOnImport(module: string): boolean {
  return ENV_MODULE.test(module) && module.endsWith('/config');
}

/** `process.loadEnvFile(...)`. */
function isLoadEnvFile(callee: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(callee) &&
    callee.name.text === 'loadEnvFile' &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'process'
  );
}

/**
 * True when `call` loads the environment. `bindings` are the file's top-level names with the
 * module they come from (null for local declarations).
 */
function isEnvLoadingCall(call: ts.CallExpression, bindings: Map<string, string | null>): boolean {
  const callee = call.expression;
  // (Not a type guard here: a call that is no require() is still a call.)
  if (isRequireOf(call as ts.Node)) return loadsOnImport((call.arguments[0] as ts.StringLiteral).text);
  if (isLoadEnvFile(callee)) return true;
  // config() destructured from a dotenv module
  if (ts.isIdentifier(callee)) {
    const from = bindings.get(callee.text);
    return typeof from === 'string' && ENV_MODULE.test(from) && LOADERS.has(callee.text);
  }
  if (!ts.isPropertyAccessExpression(callee) || !LOADERS.has(callee.name.text)) return false;
  const receiver = callee.expression;
  // require('dotenv').config()
  if (isRequireOf(receiver)) return ENV_MODULE.test((receiver.arguments[0] as ts.StringLiteral).text);
  // dotenv.config()
  if (ts.isIdentifier(receiver)) {
    const from = bindings.get(receiver.text);
    return typeof from === 'string' && ENV_MODULE.test(from);
  }
  return false;
}

/** True when a top-level statement loads the environment (calls inside functions do not count). */
export function loadsEnvironment(stmt: ts.Statement, bindings: Map<string, string | null>): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isCallExpression(node) && isEnvLoadingCall(node, bindings)) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  if (ts.isExpressionStatement(stmt) || ts.isVariableStatement(stmt)) visit(stmt);
  return found;
}
