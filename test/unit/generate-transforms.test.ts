import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isPowError } from '../../src/shared/pow-error.js';
import {
  esmToCjs,
  outputFileName,
  rewriteRelativeImports,
  stripTypes,
  transformForProject,
} from '../../src/generate/transforms.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/codemods');

function cases(
  dir: string,
): { name: string; input: string; output: string; options: Record<string, unknown> }[] {
  const full = join(FIXTURES, dir);
  return readdirSync(full)
    .map((f) => /^(.*)\.input\.(ts|js)$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([file, name, ext]) => {
      const outExt = dir === 'transform-import-ext' ? ext : 'js';
      let options: Record<string, unknown> = {};
      try {
        options = JSON.parse(readFileSync(join(full, `${name}.options.json`), 'utf8')) as Record<
          string,
          unknown
        >;
      } catch {
        // No options for this case.
      }
      return {
        name,
        input: readFileSync(join(full, file), 'utf8'),
        output: readFileSync(join(full, `${name}.output.${outExt}`), 'utf8'),
        options,
      };
    });
}

describe('stripTypes (fixtures/codemods/transform-strip-types)', () => {
  for (const c of cases('transform-strip-types')) {
    it(c.name, () => {
      assert.equal(stripTypes(c.input, `${c.name}.ts`), c.output);
      // Stripping plain JS is a no-op.
      assert.equal(stripTypes(c.output, `${c.name}.ts`), c.output);
    });
  }
  it('rejects syntax with no JS equivalent', () => {
    assert.throws(
      () => stripTypes('export enum Role { Admin }\n', 'x.ts'),
      (e) => isPowError(e) && e.code === 'POW_TRANSFORM_UNSUPPORTED',
    );
  });
});

describe('esmToCjs (fixtures/codemods/transform-esm-to-cjs)', () => {
  for (const c of cases('transform-esm-to-cjs')) {
    it(c.name, () => {
      assert.equal(esmToCjs(c.input, `${c.name}.js`), c.output);
    });
  }
  it('rejects import.meta.url and top-level await', () => {
    assert.throws(
      () => esmToCjs('const u = import.meta.url;\n'),
      (e) => isPowError(e) && e.code === 'POW_TRANSFORM_UNSUPPORTED',
    );
    assert.throws(
      () => esmToCjs('await start();\n'),
      (e) => isPowError(e) && e.code === 'POW_TRANSFORM_UNSUPPORTED',
    );
    assert.doesNotThrow(() => esmToCjs('async function f() { await start(); }\n'));
  });
});

describe('rewriteRelativeImports (fixtures/codemods/transform-import-ext)', () => {
  for (const c of cases('transform-import-ext')) {
    it(c.name, () => {
      const ext = c.options.extension as '' | '.js';
      assert.equal(rewriteRelativeImports(c.input, ext, 'x.ts'), c.output);
      assert.equal(rewriteRelativeImports(c.output, ext, 'x.ts'), c.output, 'idempotent');
    });
  }
});

describe('transformForProject', () => {
  const source =
    "import type { Request } from 'express';\nimport { pow } from './pow/config.js';\n\nexport function user(req: Request): unknown {\n  return pow.currentUser(req);\n}\n";

  it('ts + esm + .js: unchanged', () => {
    const out = transformForProject('src/pow/user.ts', source, {
      language: 'ts',
      moduleSystem: 'esm',
      relativeImportExtension: '.js',
    });
    assert.deepEqual(out, { path: 'src/pow/user.ts', content: source });
  });

  it('ts + cjs: ESM syntax kept (tsc compiles it), extensionless imports', () => {
    const out = transformForProject('src/pow/user.ts', source, {
      language: 'ts',
      moduleSystem: 'cjs',
      relativeImportExtension: '',
    });
    assert.equal(out.path, 'src/pow/user.ts');
    assert.match(out.content, /from '\.\/pow\/config';/);
  });

  it('js + esm: types stripped, .js path', () => {
    const out = transformForProject('src/pow/user.ts', source, {
      language: 'js',
      moduleSystem: 'esm',
      relativeImportExtension: '.js',
    });
    assert.deepEqual(out, {
      path: 'src/pow/user.js',
      content:
        "import { pow } from './pow/config.js';\n\nexport function user(req) {\n  return pow.currentUser(req);\n}\n",
    });
  });

  it('js + cjs: types stripped, require/module.exports, extensionless', () => {
    const out = transformForProject('src/pow/user.ts', source, {
      language: 'js',
      moduleSystem: 'cjs',
      relativeImportExtension: '',
    });
    assert.deepEqual(out, {
      path: 'src/pow/user.js',
      content:
        "const { pow } = require('./pow/config');\n\nfunction user(req) {\n  return pow.currentUser(req);\n}\n\nmodule.exports = { user };\n",
    });
  });

  it('non-code files pass through', () => {
    const view = '<h1><%= title %></h1>\n';
    assert.deepEqual(
      transformForProject('views/pow/x.ejs', view, {
        language: 'js',
        moduleSystem: 'cjs',
        relativeImportExtension: '',
      }),
      { path: 'views/pow/x.ejs', content: view },
    );
  });

  it('outputFileName maps .ts/.mts/.cts for JS projects only', () => {
    assert.equal(outputFileName('a/b.ts', 'js'), 'a/b.js');
    assert.equal(outputFileName('a/b.mts', 'js'), 'a/b.mjs');
    assert.equal(outputFileName('a/b.cts', 'js'), 'a/b.cjs');
    assert.equal(outputFileName('a/b.ts', 'ts'), 'a/b.ts');
  });
});
