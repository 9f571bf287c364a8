/**
 * The journal of applyPlan and the recovery of an interrupted run (src/generate/apply-journal.ts,
 * recover-apply.ts, preflight.ts). A kill is simulated exactly: at a step of the write phase the
 * test copies the whole project as it is on disk at that instant (what a SIGKILL would leave), and
 * recovers the copy. test/e2e/install-kill.test.ts kills the real CLI.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  cpSync,
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
import { createGeneration, type Generation } from '../../src/generate/index.js';
import { JOURNAL_PATH, parseJournal, readJournal } from '../../src/generate/apply-journal.js';
import type { ApplyStep } from '../../src/generate/apply-plan.js';
import { recoverInterruptedApply } from '../../src/generate/recover-apply.js';
import type { Plan } from '../../src/generate/plan.js';
import { isPowError } from '../../src/shared/pow-error.js';

let work = '';
let root = '';

function put(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

/** Every file and folder under `dir` with content and mode: equal snapshots mean byte-identical trees. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const abs = join(at, name);
      const rel = relative(dir, abs);
      const st = statSync(abs);
      if (st.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(abs);
      } else out[rel] = `${(st.mode & 0o777).toString(8)}:${readFileSync(abs, 'base64')}`;
    }
  };
  walk(dir);
  return out;
}

function tempFiles(dir: string): string[] {
  return Object.keys(snapshot(dir)).filter((p) => p.includes('.pow-tmp-'));
}

/**
 * A project after a first run, and a second run that updates a file (mode 600), merges into an
 * edited one, creates a file in new folders, patches the entry, and deletes an orphan.
 */
function prepare(dir: string): Generation {
  put(dir, 'src/app.ts', "import express from 'express';\nconst app = express();\n");
  const first = createGeneration({ root: dir, generator: 'install', powVersion: '0.1.0' });
  first.write('src/pow/config.ts', 'config v1\n', { ownership: 'owned', origin: 't/config' });
  first.write('src/pow/store.ts', 'store v1\nend\n', { ownership: 'managed', origin: 't/store' });
  first.write('src/pow/old/old.ts', 'old\n', { ownership: 'owned', origin: 't/old' });
  first.apply(first.plan());
  chmodSync(join(dir, 'src/pow/config.ts'), 0o600);
  put(dir, 'src/pow/store.ts', 'team line\nstore v1\nend\n');

  const gen = createGeneration({ root: dir, generator: 'install', powVersion: '0.2.0' });
  gen.write('src/pow/config.ts', 'config v2\n', { ownership: 'owned', origin: 't/config' });
  gen.write('src/pow/store.ts', 'store v1\nend\nnew field\n', { ownership: 'managed', origin: 't/store' });
  gen.write('src/views/pow/deep/new.ejs', '<p>new</p>\n', { ownership: 'owned', origin: 't/new' });
  gen.patch('src/app.ts', 'entry:use', (text) => ({
    status: 'applied',
    text: `${text}app.use(pow.middleware());\n`,
  }));
  return gen;
}

/** The tree before and after a complete apply of `plan`, from two fresh copies. */
function beforeAndAfter(plan: Plan): { before: Record<string, string>; after: Record<string, string> } {
  const before = snapshot(root);
  const done = join(work, 'complete');
  cpSync(root, done, { recursive: true });
  createGeneration({ root: done, generator: 'install', powVersion: '0.2.0' }).apply(plan);
  return { before, after: snapshot(done) };
}

/** Applies `plan` to a copy of root and returns the copy as it was on disk just before step `at`. */
function killedAt(plan: Plan, at: number): { dir: string; step: ApplyStep } {
  const running = join(work, `running-${at}`);
  const frozen = join(work, `killed-${at}`);
  cpSync(root, running, { recursive: true });
  let seen: ApplyStep | null = null;
  createGeneration({
    root: running,
    generator: 'install',
    powVersion: '0.2.0',
    onStep: (step) => {
      if (step.index === at) {
        cpSync(running, frozen, { recursive: true });
        seen = step;
      }
    },
  }).apply(plan);
  rmSync(running, { recursive: true, force: true });
  assert.ok(seen, `step ${at} was reached`);
  return { dir: frozen, step: seen };
}

/** Every step of applying `plan` (to a copy of root). */
function stepsOf(plan: Plan): ApplyStep[] {
  const dir = join(work, 'steps');
  cpSync(root, dir, { recursive: true });
  const steps: ApplyStep[] = [];
  createGeneration({
    root: dir,
    generator: 'install',
    powVersion: '0.2.0',
    onStep: (step) => steps.push(step),
  }).apply(plan);
  rmSync(dir, { recursive: true, force: true });
  return steps;
}

describe('apply journal and recovery', () => {
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'pow-journal-'));
    root = join(work, 'project');
    mkdirSync(root);
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('killed before any step of the write phase, the next run leaves the tree as before or as after', () => {
    const plan = prepare(root).plan();
    const { before, after } = beforeAndAfter(plan);
    assert.notDeepEqual(before, after);
    const total = stepsOf(plan).length;
    assert.ok(total >= 16, `a plan with many steps, got ${total}`);
    const outcomes: string[] = [];
    for (let at = 0; at < total; at += 1) {
      const { dir, step } = killedAt(plan, at);
      const report = recoverInterruptedApply(dir);
      const now = snapshot(dir);
      const which = JSON.stringify(now) === JSON.stringify(after) ? 'after' : 'before';
      assert.deepEqual(now, which === 'after' ? after : before, `killed before step ${at} (${step.phase})`);
      assert.deepEqual(tempFiles(dir), [], `no temporary file after step ${at}`);
      outcomes.push(`${step.phase}:${report?.outcome ?? 'none'}:${which}`);
      // A second run finds nothing more to do.
      assert.equal(recoverInterruptedApply(dir), null);
      rmSync(dir, { recursive: true, force: true });
    }
    // Undone until the journal says committed, finished from then on.
    const commit = outcomes.findIndex((o) => o.startsWith('commit:'));
    assert.ok(
      outcomes.slice(1, commit + 1).every((o) => o.endsWith(':rolled-back:before')),
      outcomes.join(),
    );
    assert.ok(
      outcomes.slice(commit + 1, total - 1).every((o) => o.endsWith(':rolled-forward:after')),
      outcomes.join(),
    );
    assert.equal(outcomes[total - 1], 'cleanup:cleaned:after');
    assert.equal(outcomes[0], 'journal:none:before');
  });

  it('roll forward: a committed journal with half the files renamed is finished', () => {
    const plan = prepare(root).plan();
    const { after } = beforeAndAfter(plan);
    const total = stepsOf(plan).length;
    const { dir } = killedAt(plan, Math.floor((total + total / 2) / 2));
    const journal = readJournal(dir);
    assert.equal(journal?.state, 'committed');
    const report = recoverInterruptedApply(dir);
    assert.equal(report?.outcome, 'rolled-forward');
    assert.equal(report?.command, 'pow install');
    assert.deepEqual(report?.files, [
      'src/app.ts',
      'src/pow/config.ts',
      'src/pow/old/old.ts',
      'src/pow/store.ts',
      'src/views/pow/deep/new.ejs',
    ]);
    assert.match(
      report!.message,
      /^pow install was interrupted while putting its changes in place; pow finished it: all 5 files of that run are written/,
    );
    assert.deepEqual(snapshot(dir), after);
    assert.equal(statSync(join(dir, 'src/pow/config.ts')).mode & 0o777, 0o600);
  });

  it('roll back: a journal still staging is undone, created folders and all', () => {
    const plan = prepare(root).plan();
    const { before } = beforeAndAfter(plan);
    const total = stepsOf(plan).length;
    const { dir } = killedAt(plan, Math.floor(total / 4));
    assert.equal(readJournal(dir)?.state, 'staging');
    assert.ok(existsSync(join(dir, 'src/views/pow/deep')), 'the new folders exist while staging');
    const report = recoverInterruptedApply(dir);
    assert.equal(report?.outcome, 'rolled-back');
    assert.match(
      report!.message,
      /^pow install was interrupted before all its changes were ready; pow undid it: the project is as it was before that run \(re-run pow install to make its changes\)\.$/,
    );
    assert.deepEqual(snapshot(dir), before);
  });

  it('roll forward after a kill between a delete and the removal of its emptied folder', () => {
    const plan = prepare(root).plan();
    const { after } = beforeAndAfter(plan);
    const at = 1 + stepsOf(plan).findIndex((s) => s.phase === 'place' && s.path === 'src/pow/old/old.ts');
    assert.ok(at > 0);
    const { dir } = killedAt(plan, at);
    // The unlink happened, the folder it emptied is still there.
    mkdirSync(join(dir, 'src/pow/old'));
    assert.equal(recoverInterruptedApply(dir)?.outcome, 'rolled-forward');
    assert.deepEqual(snapshot(dir), after);
  });

  it('a committed journal whose temporary file is gone is undone from the backups', () => {
    const plan = prepare(root).plan();
    const { before } = beforeAndAfter(plan);
    const total = stepsOf(plan).length;
    const { dir } = killedAt(plan, Math.floor((total + total / 2) / 2));
    const journal = readJournal(dir)!;
    const staged = journal.ops.filter((op) => op.temp !== null && existsSync(join(dir, op.temp)));
    assert.ok(staged.length > 0);
    rmSync(join(dir, staged[0]!.temp!));
    assert.equal(recoverInterruptedApply(dir)?.outcome, 'rolled-back');
    assert.deepEqual(snapshot(dir), before);
  });

  it('a corrupted journal is reported with a fix and nothing is touched', () => {
    const plan = prepare(root).plan();
    const total = stepsOf(plan).length;
    const { dir } = killedAt(plan, Math.floor(total / 2));
    writeFileSync(join(dir, JOURNAL_PATH), '{"version":1,"state":"commi');
    const frozen = snapshot(dir);
    assert.throws(
      () => recoverInterruptedApply(dir),
      (e) =>
        isPowError(e) &&
        e.code === 'POW_APPLY_JOURNAL_INVALID' &&
        /journal \.pow\/apply\/journal\.json is not valid \(it is not JSON\)/.test(e.message) &&
        /delete the folder \.pow\/apply/.test(e.fix ?? ''),
    );
    assert.deepEqual(snapshot(dir), frozen);
  });

  it('a tampered journal naming a path outside the project is refused', () => {
    const journal = {
      version: 1,
      state: 'staging',
      command: 'pow install',
      pid: 1,
      createdDirs: [],
      ops: [{ path: '../outside.txt', kind: 'delete', temp: null, backup: null, before: null, after: null }],
    };
    assert.throws(
      () => parseJournal(JSON.stringify(journal)),
      (e) =>
        isPowError(e) &&
        e.code === 'POW_APPLY_JOURNAL_INVALID' &&
        /not a path inside the project/.test(e.message),
    );
    const badTemp = {
      ...journal,
      ops: [
        {
          path: 'a.txt',
          kind: 'write',
          temp: 'elsewhere/x',
          backup: null,
          before: null,
          after: 'a'.repeat(64),
        },
      ],
    };
    assert.throws(
      () => parseJournal(JSON.stringify(badTemp)),
      (e) => isPowError(e) && /not a pow temporary file next to a\.txt/.test(e.message),
    );
  });

  it('a file changed since the interruption stops recovery, naming it, and nothing is touched', () => {
    const plan = prepare(root).plan();
    const total = stepsOf(plan).length;
    const { dir } = killedAt(plan, total - 3);
    put(dir, 'src/app.ts', 'the team rewrote it meanwhile\n');
    const frozen = snapshot(dir);
    assert.throws(
      () => recoverInterruptedApply(dir),
      (e) =>
        isPowError(e) &&
        e.code === 'POW_APPLY_INTERRUPTED' &&
        /pow install was interrupted while writing, and pow can neither finish nor undo it without losing bytes: src\/app\.ts \(changed since\)/.test(
          e.message,
        ) &&
        e.fix !== undefined,
    );
    assert.deepEqual(snapshot(dir), frozen);
  });

  it('a journal of a process still running is left alone', () => {
    const plan = prepare(root).plan();
    const { dir } = killedAt(plan, 3);
    const journal = readJournal(dir)!;
    // This test's parent (the test runner) is alive and is not this process.
    writeFileSync(join(dir, JOURNAL_PATH), JSON.stringify({ ...journal, pid: process.ppid }));
    const frozen = snapshot(dir);
    assert.throws(
      () => recoverInterruptedApply(dir),
      (e) =>
        isPowError(e) &&
        e.code === 'POW_APPLY_IN_PROGRESS' &&
        /is writing this project right now/.test(e.message),
    );
    assert.deepEqual(snapshot(dir), frozen);
  });

  it('a run never writes over the journal of another run that started after it planned', () => {
    const gen = prepare(root);
    const plan = gen.plan();
    const other = killedAt(plan, 3).dir;
    const journal = readJournal(other)!;
    mkdirSync(join(root, '.pow/apply'), { recursive: true });
    // Alive (the test runner) and fresh: a run still writing.
    writeFileSync(join(root, JOURNAL_PATH), JSON.stringify({ ...journal, pid: process.ppid }));
    const before = snapshot(root);
    assert.throws(
      () => gen.apply(plan),
      (e) => isPowError(e) && e.code === 'POW_APPLY_IN_PROGRESS',
    );
    assert.deepEqual(snapshot(root), before);
    // Dead: an interrupted run, which the next command recovers; this one writes nothing.
    writeFileSync(join(root, JOURNAL_PATH), JSON.stringify({ ...journal, pid: 2 ** 22 + 1 }));
    const dead = snapshot(root);
    assert.throws(
      () => gen.apply(plan),
      (e) =>
        isPowError(e) &&
        e.code === 'POW_PLAN_STALE' &&
        /^pow install was interrupted while writing this project, after this run planned; nothing was written\.$/.test(
          e.message,
        ),
    );
    assert.deepEqual(snapshot(root), dead);
  });

  it('temporary files an older pow left next to the files a run writes are removed by it', () => {
    const gen = prepare(root);
    put(root, 'src/pow/.config.ts.pow-tmp-4242-1', '');
    put(root, 'src/.app.ts.pow-tmp-4242-7', 'half');
    put(root, 'src/pow/.unrelated.pow-tmp-notes', 'not next to a file pow writes');
    gen.apply(gen.plan());
    assert.deepEqual(tempFiles(root), ['src/pow/.unrelated.pow-tmp-notes']);
  });

  it('no journal at all: nothing to do, and nothing is read beyond one folder listing', () => {
    prepare(root);
    assert.equal(recoverInterruptedApply(root), null);
  });
});

describe('targets checked before writing', () => {
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'pow-preflight-'));
    root = join(work, 'project');
    mkdirSync(root);
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('a read-only target (chmod 444) is refused with a fix, and nothing changes', () => {
    const gen = prepare(root);
    chmodSync(join(root, 'src/app.ts'), 0o444);
    const plan = gen.plan();
    const before = snapshot(root);
    assert.throws(
      () => gen.apply(plan),
      (e) =>
        isPowError(e) &&
        e.code === 'POW_TARGET_READ_ONLY' &&
        e.message ===
          'src/app.ts is read-only (mode 444), and pow needs to change it; nothing was written.' &&
        e.fix ===
          "Make it writable (chmod u+w src/app.ts) and re-run; or keep it read-only and make pow's change by hand (pow install --dry-run --diff shows what pow would write there).",
    );
    assert.deepEqual(snapshot(root), before);
  });

  it('a folder where a target file goes is refused with a fix, when planning and when applying', () => {
    const refused = (e: unknown) =>
      isPowError(e) &&
      e.code === 'POW_TARGET_IS_DIRECTORY' &&
      e.message ===
        'src/views/pow/deep/new.ejs is a folder, but pow writes a file there; nothing was written.' &&
      e.fix ===
        'Move the folder aside (mv src/views/pow/deep/new.ejs src/views/pow/deep/new.ejs.old), check what it holds, then re-run.';
    const gen = prepare(root);
    const plan = gen.plan();
    put(root, 'src/views/pow/deep/new.ejs/keep.txt', 'mine\n');
    const before = snapshot(root);
    assert.throws(() => gen.apply(plan), refused);
    assert.deepEqual(snapshot(root), before);
    assert.throws(() => prepare(root).plan(), refused);
    assert.deepEqual(snapshot(root), before);
  });
});
