import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { renderTemplate, resolveTemplate, templateOutputPath } from '../../src/generate/render.js';
import { isPowError, type PowError } from '../../src/shared/pow-error.js';

describe('renderTemplate', () => {
  it('uses {% %} tags and leaves EJS <% %> tags for Express', () => {
    const out = renderTemplate(
      '<h1><%= title %></h1>\n<p>{%= it.label %}</p>\n{% if (it.show) { -%}\nshown\n{% } -%}\n',
      { label: 'A & B', show: true },
      { id: 'views/x.ejs.ejs' },
    );
    assert.equal(out, '<h1><%= title %></h1>\n<p>A &amp; B</p>\nshown\n');
  });
  it('{%- %} inserts raw code; {%% and %%} escape the tags', () => {
    assert.equal(
      renderTemplate('const x = {%- it.code %};\n.a{width:50%%}\n', { code: "'<raw>'" }, { id: 't' }),
      "const x = '<raw>';\n.a{width:50%}\n",
    );
  });
  it('unknown properties of `it` throw POW_TEMPLATE_RENDER_FAILED with template and line', () => {
    assert.throws(
      () =>
        renderTemplate('line 1\nline 2 {%= it.nmae %}\n', { name: 'x' }, { id: 'install/pow/config.ts.ejs' }),
      (e: unknown) => {
        assert.ok(isPowError(e));
        assert.equal((e as PowError).code, 'POW_TEMPLATE_RENDER_FAILED');
        assert.match((e as PowError).message, /install\/pow\/config\.ts\.ejs:2/);
        assert.match((e as PowError).message, /it\.nmae is not defined/);
        return true;
      },
    );
  });
  it('bare names throw too (strict, no `with`)', () => {
    assert.throws(
      () => renderTemplate('{%= name %}', { name: 'x' }, { id: 't.ejs' }),
      (e) => isPowError(e) && /t\.ejs:1/.test(e.message),
    );
  });
  it('syntax errors name the template and the line', () => {
    assert.throws(
      () => renderTemplate('line 1\nline 2\n{% if ( %}\nline 4\n', {}, { id: 'broken.ejs' }),
      (e) => isPowError(e) && e.code === 'POW_TEMPLATE_RENDER_FAILED' && /broken\.ejs:3\b/.test(e.message),
    );
  });
  it('is deterministic', () => {
    const t = '{% for (const f of it.fields) { -%}\n  {%- f %}: string;\n{% } -%}\n';
    assert.equal(
      renderTemplate(t, { fields: ['a', 'b'] }, { id: 't' }),
      renderTemplate(t, { fields: ['a', 'b'] }, { id: 't' }),
    );
    assert.equal(renderTemplate(t, { fields: ['a', 'b'] }, { id: 't' }), '  a: string;\n  b: string;\n');
  });
});

describe('templateOutputPath', () => {
  it('replaces __namespace__ and strips one .ejs', () => {
    assert.equal(
      templateOutputPath('__namespace__/pow/session/new.ejs.ejs', {
        tokens: { namespace: 'admin' },
        prefix: 'views',
      }),
      'views/admin/pow/session/new.ejs',
    );
    assert.equal(
      templateOutputPath('__namespace__/pow/session/new.ejs.ejs', {
        tokens: { namespace: '' },
        prefix: 'views',
      }),
      'views/pow/session/new.ejs',
    );
    assert.equal(templateOutputPath('pow/config.ts.ejs', { prefix: 'src' }), 'src/pow/config.ts');
    assert.equal(templateOutputPath('pow/config.ts.ejs', { prefix: '.' }), 'pow/config.ts');
    assert.equal(
      templateOutputPath('routes/__namespace__-pow.ts.ejs', { tokens: { namespace: 'admin' } }),
      'routes/admin-pow.ts',
    );
  });
  it('rejects unknown tokens and unsafe values', () => {
    assert.throws(
      () => templateOutputPath('__other__/x.ejs', {}),
      (e) => isPowError(e) && e.code === 'POW_INVALID_PATH',
    );
    assert.throws(
      () => templateOutputPath('__namespace__/x.ejs', { tokens: { namespace: '../etc' } }),
      (e) => isPowError(e),
    );
  });
});

describe('resolveTemplate', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  it("prefers the project override in .pow/templates, then pow's own, else POW_TEMPLATE_NOT_FOUND", () => {
    dir = mkdtempSync(join(tmpdir(), 'pow-render-'));
    const own = join(dir, 'own');
    mkdirSync(join(own, 'install'), { recursive: true });
    writeFileSync(join(own, 'install/a.ts.ejs'), 'own');
    const project = join(dir, 'project');
    mkdirSync(join(project, '.pow/templates/install'), { recursive: true });
    assert.equal(
      resolveTemplate('install/a.ts.ejs', { projectRoot: project, templatesDir: own }).text,
      'own',
    );
    writeFileSync(join(project, '.pow/templates/install/a.ts.ejs'), 'ejected');
    const r = resolveTemplate('install/a.ts.ejs', { projectRoot: project, templatesDir: own });
    assert.equal(r.text, 'ejected');
    assert.equal(r.source, 'project');
    assert.throws(
      () => resolveTemplate('install/none.ejs', { projectRoot: project, templatesDir: own }),
      (e) => isPowError(e) && e.code === 'POW_TEMPLATE_NOT_FOUND',
    );
  });
});
