// ESLint flat config: JS + typescript-eslint recommended for pow's own code, plus the runtime
// boundary (src/runtime is the published library and must not pull in the CLI or its deps;
// test/unit/runtime-boundary.test.ts checks the same over the whole import graph).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Node's globals, for plain .js/.mjs files (TypeScript files get theirs from @types/node).
const NODE_GLOBALS = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Blob',
    'Buffer',
    'DOMException',
    'Event',
    'EventTarget',
    'FormData',
    'Headers',
    'MessageChannel',
    'Request',
    'Response',
    'TextDecoder',
    'TextEncoder',
    'URL',
    'URLSearchParams',
    'WebAssembly',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'crypto',
    'fetch',
    'global',
    'globalThis',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

const CLI_ONLY_PACKAGES = ['commander', 'ts-morph', 'ejs', 'prompts', '@mrleebo/prisma-ast'];
const CLI_FOLDERS = ['cli', 'inspect', 'generate', 'prisma', 'commands', 'recipes'];

/**
 * no-restricted-imports for runtime files `depth` folders below src/runtime: CLI-only packages
 * (and their subpaths), and relative imports that climb out of src/runtime into a CLI folder.
 */
function runtimeBoundary(depth) {
  const up = '\\.\\./'.repeat(depth + 1);
  const files = depth === 0 ? ['src/runtime/*.ts'] : [`src/runtime/${'*/'.repeat(depth)}*.ts`];
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: CLI_ONLY_PACKAGES.map((name) => ({
            name,
            message: 'The runtime must not depend on CLI-only packages (see docs/internal/conventions.md).',
          })),
          patterns: [
            {
              regex: `^(${CLI_ONLY_PACKAGES.map((name) => name.replace('/', '\\/')).join('|')})/`,
              message: 'The runtime must not depend on CLI-only packages.',
            },
            {
              regex: `^${up}(${CLI_FOLDERS.join('|')})(/|$)`,
              message:
                'The runtime must not import CLI code (src/cli, inspect, generate, prisma, commands, recipes).',
            },
          ],
        },
      ],
    },
  };
}

export default defineConfig(
  {
    ignores: [
      'dist/',
      'fixtures/',
      'templates/',
      'node_modules/',
      'test-artifacts/',
      'coverage/',
      '**/.demo/',
      '**/.tmp/',
      '**/generated/',
      'docs/api/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: NODE_GLOBALS,
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests read untyped HTTP bodies, JSON and driver rows; `any` there is honest, not a hole in pow's types.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  [0, 1, 2, 3].map(runtimeBoundary),
);
