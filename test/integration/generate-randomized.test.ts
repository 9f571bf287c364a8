import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileWrites, generate, hasConflictMarkers, type Plan } from '../../src/generate/index.js';

/**
 * Issue 8's randomized test: 200 seeded sequences of (team edit to a random generated file,
 * generator output change, re-run). Every line the team added must still be in its file after the
 * run, or the file must be reported as a conflict; nothing is silently lost. After every run an
 * immediate second run writes nothing.
 */

const SEQUENCES = 200;
const ROUNDS = 3;
const PATHS = [
  'src/pow/config.ts',
  'src/pow/store.ts',
  'views/pow/session/new.ejs',
  'views/pow/registration/new.ejs',
];

/** mulberry32: small, seeded, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Ctx {
  rand: () => number;
  int(n: number): number;
  pick<T>(items: T[]): T;
  next: number;
}

function makeCtx(seed: number): Ctx {
  const rand = prng(seed);
  const ctx: Ctx = {
    rand,
    int: (n) => Math.floor(rand() * n),
    pick: (items) => items[Math.floor(rand() * items.length)],
    next: 0,
  };
  return ctx;
}

/** Generated lines are mostly unique, with some repeated lines (blank, braces) as real code has. */
function genLine(c: Ctx): string {
  const r = c.rand();
  if (r < 0.12) return '';
  if (r < 0.2) return '}';
  c.next += 1;
  return `  field${c.next}: string;`;
}

function initialModel(c: Ctx): Map<string, string[]> {
  const model = new Map<string, string[]>();
  for (const path of PATHS) {
    if (c.rand() < 0.25) continue;
    const lines = [`// ${path}`];
    const n = 5 + c.int(8);
    for (let i = 0; i < n; i += 1) lines.push(genLine(c));
    model.set(path, lines);
  }
  if (model.size === 0) model.set(PATHS[0], [`// ${PATHS[0]}`, genLine(c), genLine(c)]);
  return model;
}

/** The generator's output changes: new field, renamed field, removed field, file added or dropped. */
function changeGenerator(c: Ctx, model: Map<string, string[]>): void {
  const ops = 1 + c.int(3);
  for (let k = 0; k < ops; k += 1) {
    const r = c.rand();
    if (r < 0.06 && model.size > 1) {
      model.delete(c.pick([...model.keys()]));
      continue;
    }
    if (r < 0.12) {
      const missing = PATHS.filter((p) => !model.has(p));
      if (missing.length > 0) {
        const p = c.pick(missing);
        model.set(p, [`// ${p}`, genLine(c), genLine(c), genLine(c)]);
        continue;
      }
    }
    const path = c.pick([...model.keys()]);
    const lines = model.get(path)!;
    const kind = c.rand();
    if (kind < 0.5 || lines.length < 3) lines.splice(1 + c.int(lines.length), 0, genLine(c));
    else if (kind < 0.8) {
      const i = 1 + c.int(lines.length - 1);
      c.next += 1;
      lines[i] = `${lines[i]} // v${c.next}`;
    } else lines.splice(1 + c.int(lines.length - 1), 1);
  }
}

function readLines(root: string, path: string): string[] | null {
  const abs = join(root, path);
  if (!existsSync(abs)) return null;
  return readFileSync(abs, 'utf8').replace(/\n$/, '').split('\n');
}

function writeLines(root: string, path: string, lines: string[]): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), `${lines.join('\n')}\n`);
}

/** Team edits: add lines, delete lines, change lines, delete a file, resolve leftover conflict markers. */
function teamEdit(c: Ctx, root: string, seq: number, round: number): void {
  const present = PATHS.filter((p) => existsSync(join(root, p)));
  if (present.length === 0) return;
  // Resolve markers left by --merge-conflicts most of the time (keep both sides).
  for (const p of present) {
    const lines = readLines(root, p)!;
    if (hasConflictMarkers(lines.join('\n')) && c.rand() < 0.7) {
      writeLines(
        root,
        p,
        lines.filter((l) => !/^(<<<<<<<|=======|>>>>>>>)/.test(l)),
      );
    }
  }
  const files = 1 + c.int(2);
  for (let f = 0; f < files; f += 1) {
    const path = c.pick(present);
    if (!existsSync(join(root, path))) continue;
    if (c.rand() < 0.05) {
      unlinkSync(join(root, path));
      continue;
    }
    const lines = readLines(root, path)!;
    const ops = 1 + c.int(3);
    for (let k = 0; k < ops; k += 1) {
      const kind = c.rand();
      const tag = `TEAM-${seq}-${round}-${f}-${k}`;
      if (kind < 0.55 || lines.length < 2) lines.splice(c.int(lines.length + 1), 0, `<p>${tag}</p>`);
      else if (kind < 0.8) {
        const i = c.int(lines.length);
        lines[i] = `${lines[i]} /* ${tag} */`;
      } else lines.splice(c.int(lines.length), 1);
    }
    writeLines(root, path, lines);
  }
}

async function regenerate(
  root: string,
  model: Map<string, string[]>,
  mergeConflicts: boolean,
): Promise<Plan> {
  const result = await generate(
    { root, generator: 'random', powVersion: '0.0.0-test', flags: { mergeConflicts } },
    (ctx) => {
      for (const [path, lines] of model) {
        ctx.write(path, `${lines.join('\n')}\n`, {
          ownership: path.startsWith('src/pow/store') ? 'managed' : 'owned',
          origin: `random/${path}`,
        });
      }
    },
  );
  return result.plan;
}

describe('randomized regeneration (issue 8)', () => {
  it(`${SEQUENCES} random sequences never lose a team-added line silently`, async () => {
    const totals: Record<string, number> = {};
    for (let seq = 0; seq < SEQUENCES; seq += 1) {
      const c = makeCtx(0x5eed + seq);
      const root = mkdtempSync(join(tmpdir(), 'pow-random-'));
      try {
        const model = initialModel(c);
        await regenerate(root, model, false);
        for (let round = 0; round < ROUNDS; round += 1) {
          teamEdit(c, root, seq, round);
          changeGenerator(c, model);

          // Every team line on disk before the run, per file.
          const teamLines = new Map<string, string[]>();
          const before = new Map<string, string | null>();
          for (const p of PATHS) {
            const lines = readLines(root, p);
            before.set(p, lines === null ? null : readFileSync(join(root, p), 'utf8'));
            if (lines)
              teamLines.set(
                p,
                lines.filter((l) => l.includes('TEAM-')),
              );
          }

          const mergeConflicts = c.rand() < 0.3;
          const plan = await regenerate(root, model, mergeConflicts);
          const context = `seed ${0x5eed + seq}, round ${round}`;

          for (const file of plan.files) totals[file.decision] = (totals[file.decision] ?? 0) + 1;
          for (const [path, lines] of teamLines) {
            const planned = plan.files.find((f) => f.path === path);
            const after = readLines(root, path);
            if (planned?.decision === 'conflict') {
              if (!mergeConflicts)
                assert.equal(
                  readFileSync(join(root, path), 'utf8'),
                  before.get(path),
                  `${context}: conflicting ${path} must be untouched`,
                );
            }
            for (const line of lines) {
              assert.ok(
                after !== null && after.includes(line),
                `${context}: team line "${line}" lost from ${path} (decision ${planned?.decision ?? 'none'})`,
              );
            }
          }
          // Files pow no longer generates are deleted only when the team never edited them.
          for (const file of plan.files.filter((f) => f.decision === 'delete-orphan' && f.before !== null)) {
            assert.equal(
              (teamLines.get(file.path) ?? []).length,
              0,
              `${context}: deleted an edited orphan ${file.path}`,
            );
          }
          // A deleted file stays deleted.
          for (const p of PATHS) {
            if (before.get(p) === null && plan.files.find((f) => f.path === p)?.decision === 'skip-deleted') {
              assert.equal(existsSync(join(root, p)), false, `${context}: ${p} recreated`);
            }
          }

          // An immediate second run writes nothing.
          const again = await regenerate(root, model, mergeConflicts);
          assert.deepEqual(
            fileWrites(again).map((f) => `${f.decision} ${f.path}`),
            [],
            `${context}: second run writes files`,
          );
          assert.deepEqual(again.bases, [], `${context}: second run writes bases`);
          assert.equal(again.manifestChanged, false, `${context}: second run rewrites the manifest`);
        }
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
    if (process.env.POW_RANDOM_STATS) console.log(JSON.stringify(totals));
    // The sequences exercised every interesting path.
    for (const decision of [
      'create',
      'update',
      'merge',
      'conflict',
      'identical',
      'skip-deleted',
      'skip-modified',
      'delete-orphan',
    ]) {
      assert.ok(
        (totals[decision] ?? 0) > 0,
        `no "${decision}" decision in ${SEQUENCES} sequences: ${JSON.stringify(totals)}`,
      );
    }
  });
});
