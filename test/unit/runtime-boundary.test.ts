/**
 * The runtime (src/runtime, shipped as `pow`, `pow/express`, `pow/testing`) must stay light and
 * independent of the CLI: starting from every runtime file and following relative imports
 * transitively (also into src/shared), no module may import the CLI's dependencies or reach the
 * CLI's folders. eslint.config.js enforces the direct imports; this test covers the whole graph.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../helpers/fixtures.js';

const SRC = path.join(REPO_ROOT, 'src');
const RUNTIME = path.join(SRC, 'runtime');
const FORBIDDEN_PACKAGES = ['commander', 'ts-morph', 'ejs', 'prompts', '@mrleebo/prisma-ast'];
const FORBIDDEN_FOLDERS = ['cli', 'inspect', 'generate', 'prisma', 'commands', 'recipes'].map((name) =>
  path.join(SRC, name),
);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Every module specifier a file imports: static, type-only, re-exports, import() and require(). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((entry) => entry.fileName);
}

/** A relative specifier resolved to a .ts file (NodeNext style: "./x.js" → "./x.ts"). */
function resolveRelative(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base.replace(/\.(m|c)?js$/, '.$1ts'), base, `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? null;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

test('src/runtime never reaches CLI code or CLI-only packages', () => {
  assert.ok(existsSync(RUNTIME), 'src/runtime exists');
  const violations: string[] = [];
  const seen = new Set<string>();
  const queue = sourceFiles(RUNTIME);
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const where = path.relative(REPO_ROOT, file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (target === null) continue;
        const folder = FORBIDDEN_FOLDERS.find(
          (dir) => target === dir || target.startsWith(`${dir}${path.sep}`),
        );
        if (folder) violations.push(`${where} imports ${specifier} (src/${path.basename(folder)})`);
        else queue.push(target);
      } else if (FORBIDDEN_PACKAGES.includes(packageName(specifier))) {
        violations.push(`${where} imports ${specifier}`);
      }
    }
  }
  assert.ok(seen.size > 0);
  assert.deepEqual(violations, []);
});

test('the checker itself catches a forbidden import', () => {
  const info = ts.preProcessFile(
    "import { Project } from 'ts-morph';\nexport type { X } from '../cli/main.js';\nconst c = await import('commander');\n",
    true,
    true,
  );
  assert.deepEqual(
    info.importedFiles.map((entry) => entry.fileName),
    ['ts-morph', '../cli/main.js', 'commander'],
  );
  assert.equal(packageName('@mrleebo/prisma-ast/dist/prisma-ast.esm.js'), '@mrleebo/prisma-ast');
});
