import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasConflictMarkers, merge3 } from '../../src/generate/merge3.js';
import { unifiedDiff } from '../../src/generate/unified-diff.js';

describe('merge3', () => {
  const base = 'a\nb\nc\nd\n';
  it('takes changes from both sides when they do not overlap', () => {
    const out = merge3(base, 'a\nTEAM\nb\nc\nd\n', 'a\nb\nc\nd\nPOW\n');
    assert.deepEqual(out, { clean: true, text: 'a\nTEAM\nb\nc\nd\nPOW\n', conflicts: [] });
  });
  it('takes an identical change once', () => {
    assert.equal(merge3(base, 'a\nX\nc\nd\n', 'a\nX\nc\nd\n').text, 'a\nX\nc\nd\n');
  });
  it('reports overlapping changes as conflicts with git-style markers', () => {
    const out = merge3(base, 'a\nteam b\nc\nd\n', 'a\npow b\nc\nd\n', { ours: 'yours', theirs: 'pow' });
    assert.equal(out.clean, false);
    assert.equal(out.text, 'a\n<<<<<<< yours\nteam b\n=======\npow b\n>>>>>>> pow\nc\nd\n');
    assert.deepEqual(out.conflicts, [{ oursLine: 2, base: ['b'], ours: ['team b'], theirs: ['pow b'] }]);
    assert.equal(hasConflictMarkers(out.text), true);
  });
  it('treats insertions at the same place as a conflict (never guesses an order)', () => {
    assert.equal(merge3(base, 'a\nb\nc\nd\nteam\n', 'a\nb\nc\nd\npow\n').clean, false);
  });
  it('ignores CRLF differences', () => {
    assert.equal(merge3(base, base.replace(/\n/g, '\r\n'), 'a\nb\nc\nd\ne\n').text, 'a\nb\nc\nd\ne\n');
  });
  it('hasConflictMarkers needs a full marker set', () => {
    assert.equal(hasConflictMarkers('<<<<<<< x\n'), false);
    assert.equal(hasConflictMarkers('a\n'), false);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\n', 'a\r\n', { path: 'x' }), '');
  });
  it('prints git-style hunks with three lines of context', () => {
    const before = Array.from({ length: 10 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const after = before.replace('l5\n', 'L5\n');
    assert.equal(
      unifiedDiff(before, after, { path: 'src/x.ts' }),
      '--- a/src/x.ts\n+++ b/src/x.ts\n@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n',
    );
  });
  it('uses /dev/null for created and deleted files', () => {
    assert.equal(unifiedDiff(null, 'a\n', { path: 'n' }), '--- /dev/null\n+++ b/n\n@@ -0,0 +1,1 @@\n+a\n');
    assert.equal(unifiedDiff('a\n', null, { path: 'n' }), '--- a/n\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a\n');
  });
  it('splits distant changes into separate hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const after = before.replace('l2\n', 'X\n').replace('l19\n', 'Y\n');
    assert.equal((unifiedDiff(before, after, { path: 'p' }).match(/^@@/gm) ?? []).length, 2);
  });
});
