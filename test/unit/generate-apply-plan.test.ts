import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createGeneration, MANIFEST_PATH, type Generation } from '../../src/generate/index.js';
import { isPowError } from '../../src/shared/pow-error.js';

let root = '';

function put(path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** Every file and folder under root with content and mode: equal snapshots mean byte-identical trees. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const rel = relative(root, abs);
      const st = statSync(abs);
      if (st.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(abs);
      } else out[rel] = `${(st.mode & 0o777).toString(8)}:${readFileSync(abs, 'base64')}`;
    }
  };
  walk(root);
  return out;
}

/** A first run, then a project with: a pristine file to update, an edited file to merge, an orphan to delete. */
function prepare(): Generation {
  put('src/app.ts', "import express from 'express';\nconst app = express();\n");
  const first = createGeneration({ root, generator: 'install', powVersion: '0.1.0' });
  first.write('src/pow/config.ts', 'config v1\n', { ownership: 'owned', origin: 't/config' });
  first.write('src/pow/store.ts', 'store v1\nend\n', { ownership: 'managed', origin: 't/store' });
  first.write('src/pow/old.ts', 'old\n', { ownership: 'owned', origin: 't/old' });
  first.apply(first.plan());
  chmodSync(join(root, 'src/pow/config.ts'), 0o600);
  put('src/pow/store.ts', 'team line\nstore v1\nend\n');

  const gen = createGeneration({ root, generator: 'install', powVersion: '0.2.0' });
  gen.write('src/pow/config.ts', 'config v2\n', { ownership: 'owned', origin: 't/config' });
  gen.write('src/pow/store.ts', 'store v1\nend\nnew field\n', { ownership: 'managed', origin: 't/store' });
  gen.write('src/views/pow/deep/new.ejs', '<p>new</p>\n', { ownership: 'owned', origin: 't/new' });
  gen.patch('src/app.ts', 'entry:use', (text) => ({
    status: 'applied',
    text: `${text}app.use(pow.middleware());\n`,
  }));
  return gen;
}

describe('applyPlan', () => {
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pow-apply-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('writes files, then merge bases, then the manifest last; keeps file modes', () => {
    const gen = prepare();
    const plan = gen.plan();
    const order: string[] = [];
    const summary = createGeneration({
      root,
      generator: 'install',
      powVersion: '0.2.0',
      beforeWrite: (p) => order.push(p),
    }).apply(plan);
    assert.equal(order[order.length - 1], MANIFEST_PATH);
    const firstBase = order.findIndex((p) => p.startsWith('.pow/base/'));
    assert.ok(order.slice(0, firstBase).every((p) => !p.startsWith('.pow/')));
    assert.deepEqual(summary.written, [
      'src/app.ts',
      'src/pow/config.ts',
      'src/pow/store.ts',
      'src/views/pow/deep/new.ejs',
    ]);
    assert.deepEqual(summary.deleted, ['src/pow/old.ts']);
    assert.equal(
      readFileSync(join(root, 'src/pow/store.ts'), 'utf8'),
      'team line\nstore v1\nend\nnew field\n',
    );
    assert.equal(statSync(join(root, 'src/pow/config.ts')).mode & 0o777, 0o600);
    assert.equal(existsSync(join(root, '.pow/base/src/pow/old.ts')), false);
    assert.equal(
      readFileSync(join(root, '.pow/base/src/pow/store.ts'), 'utf8'),
      'store v1\nend\nnew field\n',
    );
    // No temp files left behind.
    assert.deepEqual(
      Object.keys(snapshot()).filter((p) => p.includes('pow-tmp')),
      [],
    );
  });

  it('a failure on the 3rd write rolls everything back: the tree is byte-identical', () => {
    const gen = prepare();
    const plan = gen.plan();
    const before = snapshot();
    const failing = createGeneration({
      root,
      generator: 'install',
      powVersion: '0.2.0',
      beforeWrite: (_p, i) => {
        if (i === 2) throw new Error('disk full');
      },
    });
    assert.throws(
      () => failing.apply(plan),
      (e) => isPowError(e) && e.code === 'POW_APPLY_FAILED' && /rolled back/.test(e.message),
    );
    assert.deepEqual(snapshot(), before);
  });

  it('rolls back after a failure at any step (files, deletes, bases, manifest)', () => {
    const gen = prepare();
    const plan = gen.plan();
    const before = snapshot();
    const count =
      plan.files.filter((f) => f.write).length + plan.bases.length + (plan.manifestChanged ? 1 : 0);
    assert.ok(count >= 8, `expected a plan with many writes, got ${count}`);
    for (let failAt = 0; failAt < count; failAt += 1) {
      const g = createGeneration({
        root,
        generator: 'install',
        powVersion: '0.2.0',
        beforeWrite: (_p, i) => {
          if (i === failAt) throw new Error(`fail at ${failAt}`);
        },
      });
      assert.throws(
        () => g.apply(plan),
        (e) => isPowError(e) && e.code === 'POW_APPLY_FAILED',
      );
      assert.deepEqual(snapshot(), before, `after failing at step ${failAt}`);
    }
  });

  it('a failure at any step of the write phase, renames included, rolls back: byte-identical, no temp file', () => {
    const gen = prepare();
    const plan = gen.plan();
    const before = snapshot();
    let total = 0;
    for (let failAt = 0; total === 0 || failAt < total; failAt += 1) {
      const g = createGeneration({
        root,
        generator: 'install',
        powVersion: '0.2.0',
        onStep: (step) => {
          total = step.total;
          if (step.index === failAt) throw new Error(`fail at ${failAt} (${step.phase})`);
        },
      });
      assert.throws(
        () => g.apply(plan),
        (e) => isPowError(e) && e.code === 'POW_APPLY_FAILED' && /rolled back/.test(e.message),
      );
      assert.deepEqual(snapshot(), before, `after failing at step ${failAt}`);
    }
    assert.ok(total >= 16, `many steps, got ${total}`);
  });

  it('a file where a folder must go is refused before anything is written', () => {
    const gen = prepare();
    put('src/views', 'i am a file, not a folder\n');
    const plan = gen.plan();
    const before = snapshot();
    assert.throws(
      () => gen.apply(plan),
      (e) =>
        isPowError(e) &&
        e.code === 'POW_TARGET_PARENT_NOT_DIRECTORY' &&
        /pow needs the folder src\/views to write src\/views\/pow\/deep\/new\.ejs, but src\/views is a file; nothing was written/.test(
          e.message,
        ) &&
        e.fix === 'Rename the file src/views (mv src/views src/views.old) and re-run.',
    );
    assert.deepEqual(snapshot(), before);
  });

  it('a real file-system failure while staging (a folder pow cannot write into) rolls back', () => {
    const gen = prepare();
    const plan = gen.plan();
    const before = snapshot();
    // Something else puts a file where pow is about to create a folder: mkdir fails for real.
    const failing = createGeneration({
      root,
      generator: 'install',
      powVersion: '0.2.0',
      beforeWrite: (p) => {
        if (p === 'src/views/pow/deep/new.ejs') put('src/views/pow', 'a file now\n');
      },
    });
    assert.throws(
      () => failing.apply(plan),
      (e) => isPowError(e) && e.code === 'POW_APPLY_FAILED' && /rolled back/.test(e.message),
    );
    rmSync(join(root, 'src/views/pow'));
    const after = snapshot();
    delete after['src/views/'];
    delete before['src/views/'];
    assert.deepEqual(after, before);
  });

  it('refuses a stale plan (a file edited after planning) and writes nothing', () => {
    const gen = prepare();
    const plan = gen.plan();
    put('src/pow/config.ts', 'edited meanwhile\n');
    const before = snapshot();
    assert.throws(
      () => gen.apply(plan),
      (e) => isPowError(e) && e.code === 'POW_PLAN_STALE',
    );
    assert.deepEqual(snapshot(), before);
  });

  it('running twice changes nothing the second time', () => {
    const gen = prepare();
    gen.apply(gen.plan());
    const after = snapshot();
    const again = createGeneration({ root, generator: 'install', powVersion: '0.2.0' });
    again.write('src/pow/config.ts', 'config v2\n', { ownership: 'owned', origin: 't/config' });
    again.write('src/pow/store.ts', 'store v1\nend\nnew field\n', {
      ownership: 'managed',
      origin: 't/store',
    });
    again.write('src/views/pow/deep/new.ejs', '<p>new</p>\n', { ownership: 'owned', origin: 't/new' });
    again.patch('src/app.ts', 'entry:use', (text) =>
      text?.includes('app.use(pow.middleware())')
        ? { status: 'already-present' }
        : { status: 'applied', text: `${text}app.use(pow.middleware());\n` },
    );
    const plan = again.plan();
    assert.deepEqual(
      plan.files.map((f) => `${f.decision} ${f.path}`),
      [
        'identical src/pow/config.ts',
        'skip-modified src/pow/store.ts',
        'identical src/views/pow/deep/new.ejs',
      ],
    );
    const summary = again.apply(plan);
    assert.deepEqual(summary, { written: [], deleted: [], bases: 0, manifestWritten: false });
    assert.deepEqual(snapshot(), after);
  });
});
