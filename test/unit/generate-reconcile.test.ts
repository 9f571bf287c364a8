import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashContent } from '../../src/generate/hash.js';
import {
  basePath,
  emptyManifest,
  parseManifest,
  type Manifest,
  type Ownership,
} from '../../src/generate/manifest.js';
import {
  actionOf,
  isNoop,
  planExitCode,
  type Decision,
  type Plan,
  type PlanFlags,
} from '../../src/generate/plan.js';
import { reconcile } from '../../src/generate/reconcile.js';
import type { PatchRecord, TreeFile } from '../../src/generate/virtual-tree.js';

const GEN = 'install';
const P = 'src/pow/config.ts';

const BASE = 'line 1\nline 2\nline 3\nline 4\nline 5\n';
/** pow's new output: line 3 changed. */
const NEW = 'line 1\nline 2\nline 3 + field\nline 4\nline 5\n';
/** A team edit far from line 3. */
const EDITED = 'line 1\nteam line\nline 2\nline 3\nline 4\nline 5\n';
/** A team edit of line 3 itself. */
const CLASH = 'line 1\nline 2\nline 3 by team\nline 4\nline 5\n';

interface World {
  disk: Record<string, string>;
  bases: Record<string, string>;
  manifest: Manifest | null;
}

function tracked(
  entries: Record<string, { content: string; ownership?: Ownership; generator?: string }>,
): World {
  const manifest = emptyManifest('0.1.0');
  const bases: Record<string, string> = {};
  for (const [path, e] of Object.entries(entries)) {
    manifest.files[path] = {
      ownership: e.ownership ?? 'owned',
      hash: hashContent(e.content),
      generator: e.generator ?? GEN,
      template: `t/${path}`,
    };
    if ((e.ownership ?? 'owned') !== 'patched') bases[path] = e.content;
  }
  return { disk: {}, bases, manifest };
}

function run(world: World, files: TreeFile[], flags: PlanFlags = {}, patches: PatchRecord[] = []): Plan {
  return reconcile({
    generator: GEN,
    powVersion: '0.1.0',
    files,
    patches,
    previous: world.manifest,
    disk: { read: (p) => world.disk[p] ?? null },
    readBase: (p) => world.bases[p] ?? null,
    flags,
  });
}

/** Applies a plan to the in-memory world, as applyPlan does on disk. */
function applyInMemory(world: World, plan: Plan): World {
  const disk = { ...world.disk };
  const bases = { ...world.bases };
  for (const f of plan.files) {
    if (f.write?.kind === 'write') disk[f.path] = f.write.content;
    if (f.write?.kind === 'delete') delete disk[f.path];
  }
  for (const b of plan.bases) {
    const p = b.path.slice(basePath('').length);
    if (b.content === null) delete bases[p];
    else bases[p] = b.content;
  }
  return { disk, bases, manifest: parseManifest(plan.manifestText) };
}

const file = (content: string, ownership: Ownership = 'owned', path = P): TreeFile => ({
  path,
  content,
  ownership,
  origin: `t/${path}`,
});

interface Row {
  name: string;
  world: () => World;
  flags?: PlanFlags;
  decision: Decision;
  /** Expected disk content after applying (null: absent). */
  after: string | null;
  /** Expected manifest hash after applying (null: not tracked). */
  trackedHash: string | null;
  /** Expected base after applying (null: none). */
  base: string | null;
  reason?: RegExp;
}

const withDisk = (w: World, content: string | null): World => {
  if (content !== null) w.disk[P] = content;
  return w;
};

const ROWS: Row[] = [
  {
    name: 'absent, untracked → create',
    world: () => ({ disk: {}, bases: {}, manifest: null }),
    decision: 'create',
    after: NEW,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'absent, tracked → skip-deleted (stays deleted)',
    world: () => tracked({ [P]: { content: BASE } }),
    decision: 'skip-deleted',
    after: null,
    trackedHash: hashContent(BASE),
    base: BASE,
    reason: /deleted by you/,
  },
  {
    name: 'absent, tracked, --force → create',
    world: () => tracked({ [P]: { content: BASE } }),
    flags: { force: true },
    decision: 'create',
    after: NEW,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'present, untracked, equal → adopt',
    world: () => withDisk({ disk: {}, bases: {}, manifest: null }, NEW),
    decision: 'adopt',
    after: NEW,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'present, untracked, differs → skip-untracked',
    world: () => withDisk({ disk: {}, bases: {}, manifest: null }, EDITED),
    decision: 'skip-untracked',
    after: EDITED,
    trackedHash: null,
    base: null,
  },
  {
    name: 'present, untracked, differs, --force → update',
    world: () => withDisk({ disk: {}, bases: {}, manifest: null }, EDITED),
    flags: { force: true },
    decision: 'update',
    after: NEW,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'pristine, equal → identical',
    world: () => withDisk(tracked({ [P]: { content: NEW } }), NEW),
    decision: 'identical',
    after: NEW,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'pristine, differs → update',
    world: () => withDisk(tracked({ [P]: { content: BASE } }), BASE),
    decision: 'update',
    after: NEW,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'modified, equal to new output → identical (hash and base refreshed)',
    world: () => withDisk(tracked({ [P]: { content: BASE } }), NEW),
    decision: 'identical',
    after: NEW,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'modified, pow output unchanged → skip-modified',
    world: () => withDisk(tracked({ [P]: { content: NEW } }), EDITED),
    decision: 'skip-modified',
    after: EDITED,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'modified, pow output changed elsewhere → merge (both changes)',
    world: () => withDisk(tracked({ [P]: { content: BASE } }), EDITED),
    decision: 'merge',
    after: 'line 1\nteam line\nline 2\nline 3 + field\nline 4\nline 5\n',
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: "modified, team already made pow's change → skip-modified, base refreshed",
    world: () =>
      withDisk(
        tracked({ [P]: { content: BASE } }),
        'line 1\nteam line\nline 2\nline 3 + field\nline 4\nline 5\n',
      ),
    decision: 'skip-modified',
    after: 'line 1\nteam line\nline 2\nline 3 + field\nline 4\nline 5\n',
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'modified on the same lines → conflict, untouched, old base kept',
    world: () => withDisk(tracked({ [P]: { content: BASE } }), CLASH),
    decision: 'conflict',
    after: CLASH,
    trackedHash: hashContent(BASE),
    base: BASE,
    reason: /left untouched/,
  },
  {
    name: 'conflict with --merge-conflicts → markers written, base = new output',
    world: () => withDisk(tracked({ [P]: { content: BASE } }), CLASH),
    flags: { mergeConflicts: true },
    decision: 'conflict',
    after: `line 1\nline 2\n<<<<<<< yours (${P})\nline 3 by team\n=======\nline 3 + field\n>>>>>>> pow (new output)\nline 4\nline 5\n`,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'modified, --force → update (diff shown)',
    world: () => withDisk(tracked({ [P]: { content: BASE } }), CLASH),
    flags: { force: true },
    decision: 'update',
    after: NEW,
    trackedHash: hashContent(NEW),
    base: NEW,
  },
  {
    name: 'unresolved conflict markers → conflict',
    world: () =>
      withDisk(tracked({ [P]: { content: NEW } }), 'line 1\n<<<<<<< yours\na\n=======\nb\n>>>>>>> pow\n'),
    decision: 'conflict',
    after: 'line 1\n<<<<<<< yours\na\n=======\nb\n>>>>>>> pow\n',
    trackedHash: hashContent(NEW),
    base: NEW,
    reason: /conflict markers/,
  },
  {
    name: 'modified, merge base missing → conflict naming the base',
    world: () => {
      const w = withDisk(tracked({ [P]: { content: BASE } }), EDITED);
      w.bases = {};
      return w;
    },
    decision: 'conflict',
    after: EDITED,
    trackedHash: hashContent(BASE),
    base: null,
    reason: /\.pow\/base\/src\/pow\/config\.ts is missing/,
  },
];

describe('reconcile decision table (B5 + three-way merge)', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const world = row.world();
      const plan = run(world, [file(NEW)], row.flags);
      assert.equal(plan.files.length, 1);
      const planned = plan.files[0];
      assert.equal(planned.decision, row.decision);
      if (row.reason) assert.match(planned.reason, row.reason);
      const next = applyInMemory(world, plan);
      assert.equal(next.disk[P] ?? null, row.after, 'disk content after apply');
      assert.equal(next.manifest?.files[P]?.hash ?? null, row.trackedHash, 'manifest hash');
      assert.equal(next.bases[P] ?? null, row.base, 'merge base');
      if (row.decision === 'conflict' && !row.reason?.test('conflict markers')) {
        assert.equal(planExitCode(plan), 3);
      }
      // A second run over the result changes nothing.
      const again = run(next, [file(NEW)], {});
      assert.equal(again.bases.length, 0, 'no base writes on re-run');
      assert.equal(again.files.filter((f) => f.write).length, 0, 'no file writes on re-run');
      assert.equal(again.manifestChanged, false, 'manifest unchanged on re-run');
    });
  }

  it('conflicts carry the hunk (line in your file, both sides)', () => {
    const plan = run(withDisk(tracked({ [P]: { content: BASE } }), CLASH), [file(NEW)]);
    assert.deepEqual(plan.files[0].conflicts, [
      { oursLine: 3, base: ['line 3'], ours: ['line 3 by team'], theirs: ['line 3 + field'] },
    ]);
    assert.equal(plan.files[0].write, undefined);
  });

  it('forced overwrites and untracked skips show their diff', () => {
    assert.equal(
      run(withDisk(tracked({ [P]: { content: BASE } }), CLASH), [file(NEW)], { force: true }).files[0]
        .showDiff,
      true,
    );
    assert.equal(
      run(withDisk({ disk: {}, bases: {}, manifest: null }, EDITED), [file(NEW)]).files[0].showDiff,
      true,
    );
  });

  it('managed files get a hint to move custom code into an owned file', () => {
    const w = withDisk(tracked({ [P]: { content: BASE, ownership: 'managed' } }), EDITED);
    const plan = run(w, [file(NEW, 'managed')]);
    assert.equal(plan.files[0].decision, 'merge');
    assert.match(plan.files[0].reason, /managed file/);
  });

  it('CRLF and BOM on disk: still pristine, and the update keeps CRLF + BOM', () => {
    const w = tracked({ [P]: { content: BASE } });
    w.disk[P] = `\ufeff${BASE.replace(/\n/g, '\r\n')}`;
    const plan = run(w, [file(NEW)]);
    assert.equal(plan.files[0].decision, 'update');
    assert.deepEqual(plan.files[0].write, { kind: 'write', content: `\ufeff${NEW.replace(/\n/g, '\r\n')}` });
    const same = run(withDisk(tracked({ [P]: { content: NEW } }), NEW.replace(/\n/g, '\r\n')), [file(NEW)]);
    assert.equal(same.files[0].decision, 'identical');
  });
});

describe('reconcile orphans (tracked, no longer emitted)', () => {
  const O = 'src/views/old.ejs';
  it('pristine → deleted and untracked', () => {
    const w = tracked({ [O]: { content: 'old\n' } });
    w.disk[O] = 'old\n';
    const plan = run(w, []);
    assert.equal(plan.files[0].decision, 'delete-orphan');
    assert.deepEqual(plan.files[0].write, { kind: 'delete' });
    const next = applyInMemory(w, plan);
    assert.equal(next.disk[O], undefined);
    assert.equal(next.manifest?.files[O], undefined);
    assert.equal(next.bases[O], undefined);
  });
  it('modified → kept, untracked', () => {
    const w = tracked({ [O]: { content: 'old\n' } });
    w.disk[O] = 'old\nmine\n';
    const plan = run(w, []);
    assert.equal(plan.files[0].decision, 'keep-orphan');
    assert.equal(actionOf(plan.files[0]), 'skip');
    const next = applyInMemory(w, plan);
    assert.equal(next.disk[O], 'old\nmine\n');
    assert.equal(next.manifest?.files[O], undefined);
  });
  it('already deleted → dropped from the manifest, nothing written', () => {
    const plan = run(tracked({ [O]: { content: 'old\n' } }), []);
    assert.equal(plan.files[0].decision, 'delete-orphan');
    assert.equal(plan.files[0].write, undefined);
    assert.equal(plan.manifest.files[O], undefined);
  });
  it('files of another generator scope are not orphans of this one', () => {
    const w = tracked({ [O]: { content: 'old\n', generator: 'gen.templates:admin' } });
    w.disk[O] = 'old\n';
    const plan = run(w, []);
    assert.equal(plan.files.length, 0);
    assert.ok(plan.manifest.files[O]);
  });
});

describe('reconcile patched files and patches', () => {
  const E = 'src/app.ts';
  it('patched: update written as produced, tracked with hash, no base', () => {
    const w: World = { disk: { [E]: 'a\n' }, bases: {}, manifest: null };
    const plan = run(w, [{ path: E, content: 'a\nb\n', ownership: 'patched', origin: 'entry:use' }], {}, [
      { id: 'entry:use', file: E, status: 'applied' },
    ]);
    assert.equal(plan.files[0].decision, 'update');
    assert.equal(plan.bases.length, 0);
    assert.deepEqual(plan.manifest.files[E], {
      ownership: 'patched',
      hash: hashContent('a\nb\n'),
      generator: GEN,
    });
    assert.deepEqual(plan.manifest.patches['entry:use'], { file: E, generator: GEN });
  });
  it('patched: absent → create; unchanged → identical', () => {
    const w: World = { disk: {}, bases: {}, manifest: null };
    assert.equal(
      run(w, [{ path: '.env.example', content: 'X=\n', ownership: 'patched', origin: 'env:x' }]).files[0]
        .decision,
      'create',
    );
    w.disk['.env.example'] = 'X=\n';
    assert.equal(
      run(w, [{ path: '.env.example', content: 'X=\n', ownership: 'patched', origin: 'env:x' }]).files[0]
        .decision,
      'identical',
    );
  });
  it('records applied, already-present and removed patches; not-applicable ones are not recorded', () => {
    const plan = run({ disk: {}, bases: {}, manifest: null }, [], {}, [
      { id: 'a', file: E, status: 'applied' },
      { id: 'b', file: E, status: 'already-present' },
      { id: 'c', file: E, status: 'removed-by-team' },
      { id: 'd', file: E, status: 'not-applicable', why: 'x', snippet: 'y' },
    ]);
    assert.deepEqual(Object.keys(plan.manifest.patches), ['a', 'b', 'c']);
  });
});

describe('reconcile idempotency', () => {
  it('a second plan over the applied result has only identical files and writes nothing', () => {
    const files = [
      file('a\n', 'owned', 'src/a.ts'),
      file('b\n', 'managed', 'src/b.ts'),
      file('c\n', 'owned', 'views/c.ejs'),
    ];
    const first = run({ disk: {}, bases: {}, manifest: null }, files);
    assert.deepEqual(
      first.files.map((f) => f.decision),
      ['create', 'create', 'create'],
    );
    const world = applyInMemory({ disk: {}, bases: {}, manifest: null }, first);
    const second = reconcile({
      generator: GEN,
      powVersion: '0.1.0',
      files,
      previous: world.manifest,
      previousText: first.manifestText,
      disk: { read: (p) => world.disk[p] ?? null },
      readBase: (p) => world.bases[p] ?? null,
    });
    assert.deepEqual(
      second.files.map((f) => f.decision),
      ['identical', 'identical', 'identical'],
    );
    assert.equal(isNoop(second), true);
  });

  it('an empty first run writes no manifest', () => {
    assert.equal(run({ disk: {}, bases: {}, manifest: null }, []).manifestChanged, false);
  });
});
