#!/usr/bin/env node
// Profiles one sign-in server under the sign-in part's load: starts it with `--cpu-prof`, runs
// full sign-ins from `--clients` concurrent clients for `--seconds`, stops it, and prints where
// the main thread spent its time (self time by function and by package) next to the event-loop
// lag the server measured (perf_hooks). Work on libuv's thread pool (argon2) is not in a CPU
// profile of the main thread, which is the point: what shows here delays every other request.
//
//   node bench/profile-signin.mjs [--server pow|pow-redis|better-auth] [--seconds 10] [--clients 32]
//                                 [--top 25] [--keep]     (--keep leaves the .cpuprofile and says where)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { killAll, startServer } from './lib/proc.mjs';
import { ensurePrismaClient } from './lib/prisma-client.mjs';
import { SIGNIN_SERVERS, hammer } from './sections/signin.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : args[i + 1];
};
const serverId = opt('server', 'pow');
const seconds = Number(opt('seconds', 10));
const clients = Number(opt('clients', 32));
const top = Number(opt('top', 25));
const keep = args.includes('--keep');

const row = SIGNIN_SERVERS.find((s) => s.id === serverId);
if (!row) throw new Error(`--server: one of ${SIGNIN_SERVERS.map((s) => s.id).join(', ')}`);

/** Self time per node of a .cpuprofile, in ms (time deltas attributed to each sample's node). */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  return [...self].map(([id, ms]) => ({ node: byId.get(id), ms }));
}

function where(frame) {
  const url = frame.url || '';
  if (!url) return `(${frame.functionName || 'native'})`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node (built-in)';
  const dist = url.indexOf('/dist/');
  if (dist !== -1)
    return `pow ${url
      .slice(dist + 6)
      .split('/')
      .slice(0, 2)
      .join('/')}`;
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

const profDir = mkdtempSync(join(tmpdir(), 'pow-bench-prof-'));
const env = { BENCH_PRISMA_SQLITE: await ensurePrismaClient('sqlite'), BENCH_USERS: String(clients) };
const server = await startServer({
  id: `profile-${row.id}`,
  script: row.script,
  args: row.args,
  env,
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
});
try {
  await hammer(server.url, row.client, clients, Math.min(3, seconds)); // warm-up, not reported
  await server.windowStart();
  const h = await hammer(server.url, row.client, clients, seconds);
  const win = await server.windowEnd();
  await server.stop(); // the profile is written as the process exits
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8'));

  const entries = selfTimes(profile);
  const total = entries.reduce((n, e) => n + e.ms, 0);
  const idle = entries
    .filter((e) => e.node.callFrame.functionName === '(idle)')
    .reduce((n, e) => n + e.ms, 0);
  const busy = total - idle;
  console.log(
    `${row.id}: ${h.rate.toFixed(1)} sign-ins/s (${h.ok} ok, ${h.failures} failed), event-loop lag p99 ${win.lagP99Ms.toFixed(1)} ms, max ${win.lagMaxMs.toFixed(1)} ms, CPU ${(win.cpuMs / h.ok).toFixed(1)} ms per sign-in`,
  );
  if (h.failures) console.log(`first failure: ${h.firstError}`);
  console.log(
    `main thread (whole profile, warm-up included): ${(busy / 1000).toFixed(2)} s busy of ${(total / 1000).toFixed(2)} s\n`,
  );

  const sum = (key) => {
    const m = new Map();
    for (const e of entries) {
      if (e.node.callFrame.functionName === '(idle)') continue;
      const k = key(e.node.callFrame);
      m.set(k, (m.get(k) ?? 0) + e.ms);
    }
    return [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  };
  const pct = (ms) => `${((100 * ms) / busy).toFixed(1).padStart(5)} %`;
  console.log('self time by package / file:');
  for (const [k, ms] of sum(where)) console.log(`  ${pct(ms)}  ${k}`);
  console.log('\nself time by function:');
  for (const [k, ms] of sum((f) => `${f.functionName || '(anonymous)'}  ${where(f)}:${f.lineNumber + 1}`))
    console.log(`  ${pct(ms)}  ${k}`);
  if (keep) console.log(`\nprofile: ${join(profDir, file)}`);
} finally {
  await server.stop();
  killAll();
  if (!keep) rmSync(profDir, { recursive: true, force: true });
}
