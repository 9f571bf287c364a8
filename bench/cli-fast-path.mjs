#!/usr/bin/env node
// The CLI's answers with nothing to do (issue 18): `pow install --yes` re-run, `pow status`,
// `pow diff`, `pow migrate` with nothing to apply, each against the floor `node -e 0`, on an
// installed and migrated copy of fixtures/express5-ts-esm-sqlite. Wall time of the whole process,
// median of N interleaved rounds (the order rotates, like hyperfine with several commands), for
// the fast path (stamps in .pow/cache) and the full path (stamps removed before each run).
// Usage: npm run build && node bench/cli-fast-path.mjs [--runs 15] [--full-runs 3]
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './lib/paths.mjs';
import { median, round } from './lib/stats.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 15);
const FULL_RUNS = arg('--full-runs', 3);
const POW = join(REPO, 'bin/pow.js');

const root = mkdtempSync(join(tmpdir(), 'pow-bench-cli-'));
const app = join(root, 'app');
const fakeEngine = join(root, 'no-schema-engine');
writeFileSync(fakeEngine, '');
const env = {
  ...process.env,
  DATABASE_URL: 'file:./dev.db',
  PRISMA_SCHEMA_ENGINE_BINARY: fakeEngine,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CI: '1',
  NO_COLOR: '1',
};

function exec(cmd, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: app, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return ms;
}

const COMMANDS = [
  { id: 'node -e 0', cmd: process.execPath, args: ['-e', '0'] },
  { id: 'pow install --yes (re-run)', cmd: process.execPath, args: [POW, 'install', '--yes'] },
  { id: 'pow status', cmd: process.execPath, args: [POW, 'status'] },
  { id: 'pow diff', cmd: process.execPath, args: [POW, 'diff'] },
  { id: 'pow migrate (nothing to apply)', cmd: process.execPath, args: [POW, 'migrate'] },
];

try {
  cpSync(join(REPO, 'fixtures/express5-ts-esm-sqlite'), app, { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(app, 'node_modules'), 'dir');
  exec(process.execPath, [join(REPO, 'node_modules/prisma/build/index.js'), 'generate']);
  exec(process.execPath, [POW, 'install', '--yes']);
  // The fixture has no history of its own: --init writes its init before pow's migration (issue 22).
  exec(process.execPath, [POW, 'migrate', '--init']);
  const loadBefore = loadavg();

  const full = new Map(COMMANDS.map((c) => [c.id, []]));
  for (let i = 0; i < FULL_RUNS; i++) {
    for (const c of COMMANDS) {
      rmSync(join(app, '.pow/cache'), { recursive: true, force: true });
      full.get(c.id).push(exec(c.cmd, c.args));
    }
  }
  // Each command once more on the full path, which writes its stamp; then the fast path.
  for (const c of COMMANDS) exec(c.cmd, c.args);
  const fast = new Map(COMMANDS.map((c) => [c.id, []]));
  for (let i = 0; i < RUNS; i++) {
    const order = [...COMMANDS.slice(i % COMMANDS.length), ...COMMANDS.slice(0, i % COMMANDS.length)];
    for (const c of order) fast.get(c.id).push(exec(c.cmd, c.args));
  }
  const floor = median(fast.get('node -e 0'));
  const loadAfter = loadavg();

  const lines = [
    `| command | full path (median of ${FULL_RUNS}) | fast path (median of ${RUNS}) | fast − node -e 0 | target ≤ +300 ms |`,
    '| --- | ---: | ---: | ---: | :---: |',
  ];
  for (const c of COMMANDS) {
    const f = median(fast.get(c.id));
    const over = f - floor;
    lines.push(
      `| ${c.id} | ${round(median(full.get(c.id)))} ms | ${round(f)} ms | ${c.id === 'node -e 0' ? '' : `+${round(over)} ms`} | ${c.id === 'node -e 0' ? '' : over <= 300 ? 'met' : 'missed'} |`,
    );
  }
  const fmt = (l) => l.map((x) => x.toFixed(2)).join(' / ');
  lines.push(
    '',
    `<sub>load average before ${fmt(loadBefore)}, after ${fmt(loadAfter)}; Node ${process.versions.node}</sub>`,
  );
  console.log(lines.join('\n'));
} finally {
  rmSync(root, { recursive: true, force: true });
}
