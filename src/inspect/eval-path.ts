import path from 'node:path';
import { Node, type SourceFile } from 'ts-morph';
import {
  isImportMeta,
  isModule,
  moduleBindings,
  stringValue,
  unwrap,
  type ModuleBinding,
} from './ast-bindings.js';

type PathValue =
  { kind: 'string'; value: string } | { kind: 'path'; abs: string } | { kind: 'url'; abs: string };

const MAX_DEPTH = 8;

/**
 * Statically evaluates the common ways Express apps spell a folder:
 * `'views'`, `path.join(__dirname, 'views')`, `path.resolve(import.meta.dirname, '../views')`,
 * `fileURLToPath(new URL('../views', import.meta.url))`, a top-level `const __dirname = ...`,
 * `process.cwd()`, and `a ?? b` / `a || b` (the first side that evaluates wins).
 *
 * `filePath` is the absolute path of the file the expression is in. Returns an absolute path,
 * or null when the expression depends on run-time values. Relative results are resolved
 * against `root`, as Express resolves a relative `views` setting against the working directory.
 */
export function evaluatePath(node: Node, file: SourceFile, filePath: string, root: string): string | null {
  const bindings = moduleBindings(file);
  const evaluate = (current: Node, depth: number): PathValue | null => {
    if (depth > MAX_DEPTH) return null;
    const target = unwrap(current);
    const literal = stringValue(target);
    if (literal !== null) return { kind: 'string', value: literal };

    if (Node.isIdentifier(target)) {
      const name = target.getText();
      const initializer = file.getVariableDeclaration(name)?.getInitializer();
      if (initializer) return evaluate(initializer, depth + 1);
      if (name === '__dirname') return { kind: 'path', abs: path.dirname(filePath) };
      if (name === '__filename') return { kind: 'path', abs: filePath };
      return null;
    }

    if (Node.isPropertyAccessExpression(target) && isImportMeta(target.getExpression())) {
      const property = target.getName();
      if (property === 'dirname') return { kind: 'path', abs: path.dirname(filePath) };
      if (property === 'filename') return { kind: 'path', abs: filePath };
      if (property === 'url') return { kind: 'url', abs: filePath };
      return null;
    }

    if (Node.isBinaryExpression(target)) {
      const operator = target.getOperatorToken().getText();
      if (operator !== '??' && operator !== '||') return null;
      return evaluate(target.getLeft(), depth + 1) ?? evaluate(target.getRight(), depth + 1);
    }

    if (Node.isNewExpression(target)) {
      const callee = target.getExpression();
      if (!Node.isIdentifier(callee) || callee.getText() !== 'URL') return null;
      const [relative, base] = target.getArguments().map((argument) => evaluate(argument, depth + 1));
      if (relative?.kind !== 'string' || base?.kind !== 'url') return null;
      // URL semantics: a relative reference resolves against the base file's folder.
      return { kind: 'url', abs: path.resolve(path.dirname(base.abs), relative.value) };
    }

    if (Node.isCallExpression(target)) {
      const fn = calledFunction(target.getExpression(), bindings);
      if (fn === null) return null;
      const args = target.getArguments().map((argument) => evaluate(argument, depth + 1));
      if (args.some((arg) => arg === null)) return null;
      const values = args as PathValue[];
      switch (fn) {
        case 'cwd':
          return { kind: 'path', abs: root };
        case 'fileURLToPath': {
          const [url] = values;
          if (url?.kind === 'url') return { kind: 'path', abs: url.abs };
          if (url?.kind === 'string' && url.value.startsWith('file://'))
            return { kind: 'path', abs: new URL(url.value).pathname };
          return null;
        }
        case 'dirname': {
          const [value] = values;
          if (value?.kind === 'path') return { kind: 'path', abs: path.dirname(value.abs) };
          return null;
        }
        case 'join': {
          const [first, ...rest] = values;
          if (first === undefined || first.kind === 'url') return null;
          const tail = rest.map((value) => (value.kind === 'string' ? value.value : null));
          if (tail.some((segment) => segment === null)) return null;
          const segments = tail as string[];
          return first.kind === 'path'
            ? { kind: 'path', abs: path.join(first.abs, ...segments) }
            : { kind: 'string', value: path.join(first.value, ...segments) };
        }
        case 'resolve': {
          let current = root;
          for (const value of values) {
            if (value.kind === 'url') return null;
            current = value.kind === 'path' ? value.abs : path.resolve(current, value.value);
          }
          return { kind: 'path', abs: current };
        }
      }
    }
    return null;
  };

  const result = evaluate(node, 0);
  if (result === null || result.kind === 'url') return null;
  return result.kind === 'path' ? result.abs : path.resolve(root, result.value);
}

type PathFunction = 'join' | 'resolve' | 'dirname' | 'fileURLToPath' | 'cwd';

/** Which Node path/url helper a callee is, checked against the file's imports. */
function calledFunction(callee: Node, bindings: Map<string, ModuleBinding>): PathFunction | null {
  const target = unwrap(callee);
  if (Node.isIdentifier(target)) {
    const binding = bindings.get(target.getText());
    if (isModule(binding, 'path') && isPathFunction(binding?.imported))
      return binding?.imported as PathFunction;
    if (isModule(binding, 'url') && binding?.imported === 'fileURLToPath') return 'fileURLToPath';
    return null;
  }
  if (Node.isPropertyAccessExpression(target)) {
    const receiver = unwrap(target.getExpression());
    const name = target.getName();
    if (!Node.isIdentifier(receiver)) return null;
    if (receiver.getText() === 'process' && name === 'cwd') return 'cwd';
    const binding = bindings.get(receiver.getText());
    const wholeModule = binding?.imported === 'default' || binding?.imported === '*';
    if (wholeModule && isModule(binding, 'path') && isPathFunction(name)) return name as PathFunction;
    if (wholeModule && isModule(binding, 'url') && name === 'fileURLToPath') return 'fileURLToPath';
  }
  return null;
}

function isPathFunction(name: string | undefined): boolean {
  return name === 'join' || name === 'resolve' || name === 'dirname';
}
