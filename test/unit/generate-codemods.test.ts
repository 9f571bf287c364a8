import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  codemodEdit,
  detectStyle,
  ensureAppUse,
  ensureErrorHandler,
  ensureImport,
  ensureViewEngine,
  runCodemod,
  type Codemod,
} from '../../src/generate/codemods/index.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/codemods');

const CODEMODS: Record<string, (options: any) => Codemod> = {
  'ensure-app-use': ensureAppUse,
  'ensure-import': ensureImport,
  'ensure-view-engine': ensureViewEngine,
  'ensure-error-handler': ensureErrorHandler,
};

for (const [name, factory] of Object.entries(CODEMODS)) {
  describe(`codemod ${name}`, () => {
    const dir = join(FIXTURES, name);
    const cases = readdirSync(dir)
      .map((f) => /^(.*)\.input\.(ts|js)$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null);
    assert.ok(cases.length > 0, `no fixtures in ${dir}`);
    for (const [file, caseName, ext] of cases) {
      it(`${caseName} (.${ext}): matches the output fixture, and a second run is already-present with identical text`, () => {
        const spec = JSON.parse(readFileSync(join(dir, `${caseName}.options.json`), 'utf8')) as {
          options: unknown;
          expect: string;
        };
        const input = readFileSync(join(dir, file), 'utf8');
        const outputPath = join(dir, `${caseName}.output.${ext}`);
        assert.ok(existsSync(outputPath), `missing ${outputPath}`);
        const expected = readFileSync(outputPath, 'utf8');
        const fileName = `src/app.${ext}`;

        const first = runCodemod(input, fileName, factory(spec.options));
        assert.equal(first.result.status, spec.expect);
        assert.equal(first.text, expected);

        const second = runCodemod(first.text, fileName, factory(spec.options));
        if (spec.expect === 'not-applicable') {
          assert.equal(second.result.status, 'not-applicable');
          const result = first.result as { why: string; snippet: string };
          assert.ok(
            result.why.length > 0 && result.snippet.length > 0,
            'not-applicable carries why + snippet',
          );
        } else {
          assert.equal(second.result.status, 'already-present');
        }
        assert.equal(second.text, first.text);
      });
    }
  });
}

describe('codemod helpers', () => {
  it('detectStyle reads quotes and semicolons', () => {
    assert.deepEqual(detectStyle(`import a from "a"\nconst b = 1\n`), {
      quote: '"',
      semicolons: false,
      eol: '\n',
    });
    assert.deepEqual(detectStyle(`import a from 'a';\nconst b = "x";\n`), {
      quote: "'",
      semicolons: true,
      eol: '\n',
    });
  });

  it('codemodEdit adapts a codemod to a patch edit (missing file → not-applicable)', () => {
    const edit = codemodEdit(ensureAppUse({ args: 'pow.middleware()' }), 'app.use(pow.middleware());');
    assert.deepEqual(edit(null, 'src/app.ts'), {
      status: 'not-applicable',
      why: 'src/app.ts does not exist',
      snippet: 'app.use(pow.middleware());',
    });
    const applied = edit("import express from 'express';\nconst app = express();\n", 'src/app.ts');
    assert.equal(applied.status, 'applied');
    assert.equal(
      (applied as { text: string }).text,
      "import express from 'express';\nconst app = express();\napp.use(pow.middleware());\n",
    );
  });

  it('the routes mount lands after the middleware, before the app routes (install order)', () => {
    let text =
      "import express from 'express';\n\nconst app = express();\napp.use(express.json());\n\napp.get('/dashboard', (req, res) => res.send('x'));\n\nexport default app;\n";
    for (const mod of [
      ensureImport({ module: './pow/config.js', named: ['pow'] }),
      ensureImport({ module: './routes/pow.js', default: 'powRoutes' }),
      ensureAppUse({ args: 'pow.middleware()' }),
      ensureAppUse({ args: 'powRoutes' }),
    ]) {
      text = runCodemod(text, 'src/app.ts', mod).text;
    }
    const lines = text.split('\n');
    const mw = lines.indexOf('app.use(pow.middleware());');
    const routes = lines.indexOf('app.use(powRoutes);');
    const dashboard = lines.findIndex((l) => l.startsWith("app.get('/dashboard'"));
    assert.ok(lines.indexOf('app.use(express.json());') < mw && mw < routes && routes < dashboard, text);
  });
});
