/**
 * The kill test of atomic CLI writes: the built CLI (bin/pow.js → dist/, a real child process)
 * runs `pow install --yes` on a copy of the SQLite fixture, stops at a chosen step of its write
 * phase (the test hook POW_TEST_PAUSE_AT / POW_TEST_PAUSE_MARKER, src/generate/test-pause.ts) and
 * is killed there with SIGKILL. The next command, `pow status --check`, must leave the project
 * byte-identical to before the install or to a complete install, agree with that (exit 0, no
 * drift), and leave no temporary file.
 *
 * The instants are spread evenly over every step of the write phase (66 for this fixture), the
 * first and the last included: 3 by default, because each costs two CLI runs (an install and a
 * status that plans a re-run: about 10 s on an idle 2-core machine, twice that under load), or
 * POW_KILL_INSTANTS=50 for the full run (about 8 minutes idle). Every step is covered
 * in-process, on the same fixture, by test/integration/install-interrupted.test.ts. Needs
 * `npm run build`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashContent } from '../../src/generate/hash.js';
import type { ApplyStep } from '../../src/generate/apply-plan.js';
import { inspectProject } from '../../src/inspect/inspect-project.js';
import { DEFAULT_INSTALL_OPTIONS, runInstall } from '../../src/recipes/install.js';
import { diffDatabaseToSchema } from '../../src/prisma/schema-engine.js';
import { copyFixture, REPO_ROOT, runPow } from '../helpers/fixtures.js';

const BIN = join(REPO_ROOT, 'bin/pow.js');
const built = existsSync(join(REPO_ROOT, 'dist/generate/test-pause.js'));
const skip = built ? false : 'dist/ has no test pause hook (npm run build)';
const INSTANTS = Math.max(2, Number(process.env.POW_KILL_INSTANTS ?? 3));
const ENV = { ...process.env, CI: 'true', NO_COLOR: '1', DEBUG: '', POW_NOW: '2026-01-02T03:04:05Z' };

interface Marker {
  index: number;
  total: number;
  phase: string;
  path: string | null;
}

/**
 * path → mode and bytes of every file under `dir`. The random POW_SECRET pow writes into `.env`
 * (and the hash of `.env` in the manifest) differ between two installs, so they are masked.
 */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const child = rel === '' ? name : `${rel}/${name}`;
      // pow's per-machine answers (src/cli/input-stamp.ts): a cache, not part of the project.
      if (child === '.pow/cache') continue;
      const stat = lstatSync(join(dir, child));
      if (stat.isDirectory()) {
        out.set(`${child}/`, 'dir');
        walk(child);
        continue;
      }
      let text = readFileSync(join(dir, child), 'utf8');
      if (child === '.env') text = text.replace(/^POW_SECRET=.*$/m, 'POW_SECRET=<secret>');
      if (child === '.pow/manifest.json') {
        const manifest = JSON.parse(text);
        if (manifest.files['.env']) manifest.files['.env'].hash = '<hash of .env>';
        text = JSON.stringify(manifest);
      }
      out.set(child, `${stat.mode.toString(8)} ${text}`);
    }
  };
  walk('');
  return out;
}

function same(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

function pow(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args, '--cwd', dir], { encoding: 'utf8', env: ENV });
}

/** Runs `pow install --yes` until it stops before step `at`, then kills it (SIGKILL). Null: it finished first. */
async function installKilledAt(dir: string, at: number, work: string): Promise<Marker | null> {
  const marker = join(work, `marker-${at}.json`);
  const child = spawn(process.execPath, [BIN, 'install', '--yes', '--cwd', dir], {
    env: { ...ENV, POW_TEST_PAUSE_AT: String(at), POW_TEST_PAUSE_MARKER: marker },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  // Not a timing assertion: a bound so that a hook that never fires fails the test instead of hanging it.
  const deadline = Date.now() + 180_000;
  while (!existsSync(marker) && !done) {
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pow install never reached step ${at}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!existsSync(marker)) {
    assert.equal(await exited, 0, 'an install that was not stopped succeeds');
    return null;
  }
  child.kill('SIGKILL');
  await exited;
  return JSON.parse(readFileSync(marker, 'utf8')) as Marker;
}

test(
  'pow install killed (SIGKILL) at instants across its write phase: the next command leaves the project as before or as after, status --check agrees',
  { skip },
  async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'pow-kill-'));
    const pristine = copyFixture('express5-ts-esm-sqlite', { nodeModules: false });
    t.after(() => {
      pristine.cleanup();
      rmSync(work, { recursive: true, force: true });
    });
    const before = snapshot(pristine.dir);
    const reference = join(work, 'complete');
    cpSync(pristine.dir, reference, { recursive: true });
    const complete = pow(reference, 'install', '--yes');
    assert.equal(complete.status, 0, complete.stdout + complete.stderr);
    const after = snapshot(reference);

    const trial = async (at: number) => {
      const dir = join(work, `killed-${at}`);
      cpSync(pristine.dir, dir, { recursive: true });
      const stopped = await installKilledAt(dir, at, work);
      assert.ok(stopped, `the install stops before step ${at}`);
      const where = `killed before step ${at} of ${stopped.total} (${stopped.phase} ${stopped.path ?? ''})`;
      assert.ok(existsSync(join(dir, '.pow/apply')), `${where}: the run left its journal folder`);

      const next = pow(dir, 'status', '--check');
      const now = snapshot(dir);
      const result = same(now, after) ? 'after' : same(now, before) ? 'before' : 'neither';
      assert.notEqual(
        result,
        'neither',
        `${where}: the project is neither as before nor as after the install`,
      );
      assert.deepEqual(
        [...now.keys()].filter((p) => p.includes('.pow-tmp-')),
        [],
        `${where}: no temporary file`,
      );
      assert.equal(next.status, 0, `${where}: ${next.stdout}${next.stderr}`);
      assert.match(next.stdout, /^Interrupted run: /, where);
      if (result === 'after') {
        assert.match(next.stdout, /No drift/);
        // The manifest describes the .env the run wrote, not another run's.
        const manifest = JSON.parse(readFileSync(join(dir, '.pow/manifest.json'), 'utf8'));
        assert.equal(manifest.files['.env'].hash, hashContent(readFileSync(join(dir, '.env'), 'utf8')));
      } else {
        assert.match(next.stdout, /pow has not generated anything in this project yet/);
      }
      rmSync(dir, { recursive: true, force: true });
      return { stopped, result };
    };

    const first = await trial(1);
    const total = first.stopped.total;
    assert.equal(first.result, 'before', 'killed while staging: undone');
    const instants = new Set<number>();
    for (let j = 1; j < INSTANTS; j += 1) instants.add(1 + Math.round((j * (total - 2)) / (INSTANTS - 1)));
    const results = [`1:${first.result}`];
    for (const at of [...instants].sort((a, b) => a - b)) results.push(`${at}:${(await trial(at)).result}`);
    t.diagnostic(`${total} steps; killed before steps ${results.join(', ')}`);
    assert.ok(
      results.some((r) => r.endsWith(':after')),
      'some instants are late enough to be finished',
    );
  },
);

/**
 * Issue 22, item 4: a run killed (SIGKILL) right after its migration file was put in place, before
 * the schema and the manifest. The re-run finishes the interrupted run from its journal and writes
 * no second migration; a fresh database migrated from the history has no drift, and status --check
 * passes. (A leftover migration without a journal, recognised by its content hash, is covered by
 * test/e2e/regenerate-team-changes.test.ts.)
 */
test(
  'pow install killed right after its migration is in place: the re-run writes no second migration',
  { skip },
  async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'pow-kill-migration-'));
    t.after(() => rmSync(work, { recursive: true, force: true }));
    // The step list of this install (in-process, on a throw-away copy): where the migration is placed.
    const probe = copyFixture('express5-ts-esm-sqlite', { nodeModules: false });
    const steps: ApplyStep[] = [];
    try {
      await runInstall({
        root: probe.dir,
        project: await inspectProject(probe.dir),
        options: { ...DEFAULT_INSTALL_OPTIONS },
        powVersion: '0.1.0',
        now: () => new Date(ENV.POW_NOW),
        onStep: (step) => {
          steps.push({ ...step });
        },
      });
    } finally {
      probe.cleanup();
    }
    const placed = steps.find((s) => s.phase === 'place' && s.path?.endsWith('_pow_install/migration.sql'));
    assert.ok(placed, steps.map((s) => `${s.phase}:${s.path}`).join(' '));
    const schemaPlaced = steps.find((s) => s.phase === 'place' && s.path === 'prisma/schema.prisma');
    assert.ok(schemaPlaced && schemaPlaced.index > placed.index, 'the migration is placed before the schema');

    const copy = copyFixture('express5-ts-esm-sqlite', { nodeModules: false });
    t.after(() => copy.cleanup());
    const stopped = await installKilledAt(copy.dir, placed.index + 1, work);
    assert.ok(stopped, 'stopped after the migration was placed');
    const migrations = () =>
      readdirSync(join(copy.dir, 'prisma/migrations'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    assert.deepEqual(migrations(), ['20260102030405_pow_install'], 'the kill left the migration in place');
    assert.doesNotMatch(readFileSync(join(copy.dir, 'prisma/schema.prisma'), 'utf8'), /model User/);

    // The next commands in-process (the recovery reads the journal the same way; no process start-up).
    const inProcess = (...args: string[]) =>
      runPow([...args, '--cwd', copy.dir], { env: { POW_NOW: ENV.POW_NOW } });
    const rerun = await inProcess('install', '--yes');
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.match(
      rerun.stderr,
      /pow install was interrupted while putting its changes in place; pow finished it/,
    );
    assert.deepEqual(migrations(), ['20260102030405_pow_install'], 'no second, identical migration');
    assert.match(readFileSync(join(copy.dir, 'prisma/schema.prisma'), 'utf8'), /model User/);
    const migrate = await inProcess('migrate', '--init', '--url', 'file:./fresh.db');
    assert.equal(migrate.code, 0, migrate.stdout + migrate.stderr);
    const schema = { 'prisma/schema.prisma': readFileSync(join(copy.dir, 'prisma/schema.prisma'), 'utf8') };
    assert.equal(await diffDatabaseToSchema('file:./fresh.db', schema, { baseDir: copy.dir }), '');
    const check = await inProcess('status', '--check');
    assert.equal(check.code, 0, check.stdout + check.stderr);
  },
);
