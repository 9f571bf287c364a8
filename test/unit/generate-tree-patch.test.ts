import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryReader } from '../../src/generate/disk.js';
import { hashContent } from '../../src/generate/hash.js';
import { emptyManifest } from '../../src/generate/manifest.js';
import { patchFile, wasPatchApplied, type PatchEdit } from '../../src/generate/patch.js';
import { VirtualTree } from '../../src/generate/virtual-tree.js';
import { isPowError } from '../../src/shared/pow-error.js';

/** An idempotent "add a line" edit, as codemods behave. */
const addLine =
  (line: string): PatchEdit =>
  (text) =>
    text !== null && text.split('\n').includes(line)
      ? { status: 'already-present' }
      : { status: 'applied', text: `${text ?? ''}${line}\n` };

describe('VirtualTree', () => {
  it('reads through to disk and overlays writes with ownership and origin', () => {
    const tree = new VirtualTree(memoryReader({ 'src/app.ts': 'app\n' }));
    assert.equal(tree.read('src/app.ts'), 'app\n');
    assert.equal(tree.read('./src//app.ts'), 'app\n', 'paths are normalised');
    assert.equal(tree.read('src/none.ts'), null);
    tree.write('src/pow/config.ts', 'cfg\n', { ownership: 'owned', origin: 'install/pow/config.ts.ejs' });
    assert.equal(tree.read('src/pow/config.ts'), 'cfg\n');
    assert.equal(tree.readDisk('src/pow/config.ts'), null);
    assert.deepEqual(tree.changes(), [
      {
        path: 'src/pow/config.ts',
        content: 'cfg\n',
        ownership: 'owned',
        origin: 'install/pow/config.ts.ejs',
      },
    ]);
  });

  it('rejects paths outside the project or inside .pow/', () => {
    const tree = new VirtualTree(memoryReader({}));
    for (const bad of ['/etc/passwd', '../x', 'a/../../x', '.pow/manifest.json', 'C:/x']) {
      assert.throws(
        () => tree.write(bad, 'x', { ownership: 'owned', origin: 't' }),
        (e) => isPowError(e) && e.code === 'POW_INVALID_PATH',
        bad,
      );
    }
  });

  it('rejects mixing ownership classes on one path', () => {
    const tree = new VirtualTree(memoryReader({}));
    tree.write('a.ts', 'x', { ownership: 'owned', origin: 't1' });
    assert.throws(
      () => tree.write('a.ts', 'y', { ownership: 'managed', origin: 't2' }),
      (e) => isPowError(e) && e.code === 'POW_TREE_CONFLICT',
    );
    assert.throws(
      () => tree.writePatched('a.ts', 'y', 'p'),
      (e) => isPowError(e) && e.code === 'POW_TREE_CONFLICT',
    );
  });
});

describe('patchFile', () => {
  it('applies a new patch and records it; several patches on one file compose', () => {
    const tree = new VirtualTree(memoryReader({ '.env.example': 'A=1\n' }));
    assert.equal(
      patchFile({ tree, previous: null }, '.env.example', 'env:B', addLine('B=')).status,
      'applied',
    );
    assert.equal(
      patchFile({ tree, previous: null }, '.env.example', 'env:C', addLine('C=')).status,
      'applied',
    );
    assert.equal(tree.read('.env.example'), 'A=1\nB=\nC=\n');
    assert.equal(tree.changes()[0].origin, 'env:B,env:C');
    assert.equal(tree.changes()[0].ownership, 'patched');
  });

  it('already-present changes nothing', () => {
    const tree = new VirtualTree(memoryReader({ '.env.example': 'B=\n' }));
    assert.equal(
      patchFile({ tree, previous: null }, '.env.example', 'env:B', addLine('B=')).status,
      'already-present',
    );
    assert.deepEqual(tree.changes(), []);
  });

  it('a patch applied before whose effect the team removed is not re-applied', () => {
    const previous = emptyManifest('0.1.0');
    previous.patches['env:B'] = { file: '.env.example', generator: 'install' };
    previous.files['.env.example'] = {
      ownership: 'patched',
      hash: hashContent('A=1\nB=\n'),
      generator: 'install',
    };
    const tree = new VirtualTree(memoryReader({ '.env.example': 'A=1\n' }));
    assert.equal(wasPatchApplied(previous, 'env:B'), true);
    const record = patchFile({ tree, previous }, '.env.example', 'env:B', addLine('B='));
    assert.equal(record.status, 'removed-by-team');
    assert.match(record.why ?? '', /--reapply env:B/);
    assert.deepEqual(tree.changes(), []);
    // --reapply restores it.
    const tree2 = new VirtualTree(memoryReader({ '.env.example': 'A=1\n' }));
    assert.equal(
      patchFile({ tree: tree2, previous, reapply: ['env:B'] }, '.env.example', 'env:B', addLine('B=')).status,
      'reapplied',
    );
    assert.equal(tree2.read('.env.example'), 'A=1\nB=\n');
  });

  it('not-applicable becomes a manual step with the snippet', () => {
    const tree = new VirtualTree(memoryReader({}));
    const record = patchFile({ tree, previous: null }, 'src/app.ts', 'entry:use', () => ({
      status: 'not-applicable',
      why: 'no app',
      snippet: 'app.use(x);',
    }));
    assert.equal(record.status, 'not-applicable');
    assert.deepEqual(tree.manualSteps(), [{ file: 'src/app.ts', why: 'no app', snippet: 'app.use(x);' }]);
  });

  it('edits see LF text; CRLF and BOM of the file are kept', () => {
    const tree = new VirtualTree(memoryReader({ 'a.txt': '\ufeffx\r\ny\r\n' }));
    let seen: string | null = null;
    patchFile({ tree, previous: null }, 'a.txt', 'p', (text) => {
      seen = text;
      return { status: 'applied', text: `${text}z\n` };
    });
    assert.equal(seen, 'x\ny\n');
    assert.equal(tree.read('a.txt'), '\ufeffx\r\ny\r\nz\r\n');
  });
});
