// Part 3: sign-ins per second at 32 concurrent clients, each sign-in a full flow from an empty
// cookie jar (pow: GET /session/new for the CSRF token, then POST /session; Better Auth: POST
// /api/auth/sign-in/email). Event-loop delay p99 and CPU per sign-in are measured inside the
// server. Each side keeps its default hasher.
import http from 'node:http';
import { signIn } from '../lib/clients.mjs';
import { benchUsers } from '../servers/common.mjs';
import { startServer } from '../lib/proc.mjs';
import { median, round } from '../lib/stats.mjs';

export const SIGNIN_SERVERS = [
  {
    id: 'pow',
    label: 'pow, Prisma store, SQLite (argon2id m=19456 t=2 p=1, @node-rs/argon2)',
    script: 'pow.mjs',
    args: ['prisma-sqlite'],
    client: 'pow',
    pow: true,
  },
  {
    // Same hasher without SQLite writes on the sign-in path: separates hashing from store cost.
    id: 'pow-redis',
    label: 'pow, Redis store (users in Prisma SQLite; same hasher)',
    script: 'pow.mjs',
    args: ['redis'],
    client: 'pow',
    pow: true,
  },
  {
    id: 'better-auth',
    label: 'Better Auth, SQLite (scrypt N=16384 r=16 p=1, its default; rate limiter off)',
    script: 'better-auth.mjs',
    client: 'betterAuth',
  },
];

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * `clients` loops signing in until the deadline, each client as its own account (the server
 * created them: BENCH_USERS, see servers/common.mjs); the in-flight ones finish and are counted.
 */
export async function hammer(base, kind, clients, durationS) {
  const users = benchUsers(clients);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const deadline = performance.now() + durationS * 1000;
  const latencies = [];
  let failures = 0;
  let firstError;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline) {
        const s = performance.now();
        try {
          await signIn[kind](base, { agent, user: users[client] });
          latencies.push(performance.now() - s);
        } catch (err) {
          failures++;
          firstError ??= String(err.message ?? err);
        }
      }
    }),
  );
  const elapsedS = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    ok: latencies.length,
    failures,
    firstError,
    elapsedS,
    rate: latencies.length / elapsedS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

export async function runSignin(opts) {
  const { rounds, durationS, warmupS, clients, log } = opts;
  const known = SIGNIN_SERVERS.map((s) => s.id);
  for (const id of opts.servers ?? [])
    if (!known.includes(id)) log(`  (no row "${id}" in this part; its rows: ${known.join(', ')})`);
  const picked = opts.servers ? SIGNIN_SERVERS.filter((s) => opts.servers.includes(s.id)) : SIGNIN_SERVERS;
  const rows = picked.map((s) => ({ ...s, status: 'pending', samples: [] }));
  const running = [];
  const notes = [];
  try {
    for (const row of rows) {
      if (row.pow && !opts.powAvailable) {
        row.status = 'skipped';
        row.note = opts.powNote;
        continue;
      }
      try {
        log(`  starting ${row.id}`);
        row.server = await startServer({
          id: `signin-${row.id}`,
          script: row.script,
          args: row.args,
          env: { ...opts.env, BENCH_USERS: String(clients) },
        });
        running.push(row.server);
        await signIn[row.client](row.server.url);
        row.status = 'ok';
      } catch (err) {
        row.status = 'failed';
        row.note = String(err.message ?? err)
          .split('\n')
          .slice(0, 6)
          .join(' | ');
        log(`  ${row.id} FAILED: ${row.note}`);
        await row.server?.stop();
      }
    }
    const active = rows.filter((r) => r.status === 'ok');
    if (warmupS > 0) for (const row of active) await hammer(row.server.url, row.client, clients, warmupS);

    for (let r = 0; r < rounds; r++) {
      const order = active.map((_, i) => active[(i + r) % active.length]);
      for (const row of order) {
        await row.server.windowStart();
        const h = await hammer(row.server.url, row.client, clients, durationS);
        const win = await row.server.windowEnd();
        const sample = {
          round: r + 1,
          rate: h.rate,
          signIns: h.ok,
          failures: h.failures,
          p50Ms: h.p50Ms,
          p99Ms: h.p99Ms,
          lagP99Ms: win.lagP99Ms,
          lagMaxMs: win.lagMaxMs,
          cpuMsPerSignIn: h.ok ? win.cpuMs / h.ok : NaN,
          rssMb: win.rssMb,
        };
        if (h.failures)
          notes.push(`${row.id} round ${r + 1}: ${h.failures} failed sign-ins (first: ${h.firstError})`);
        row.samples.push(sample);
        log(
          `  round ${r + 1} ${row.id.padEnd(12)} ${sample.rate.toFixed(1)} sign-ins/s  loop lag p99 ${sample.lagP99Ms.toFixed(1)} ms  CPU ${sample.cpuMsPerSignIn.toFixed(1)} ms each${h.failures ? `  (${h.failures} failed)` : ''}`,
        );
      }
    }
  } finally {
    for (const s of running) await s.stop();
  }

  const results = rows.map((row) => {
    const base = { id: row.id, label: row.label, status: row.status, note: row.note };
    if (row.status !== 'ok') return base;
    const m = (k) => median(row.samples.map((s) => s[k]));
    return {
      ...base,
      signInsPerS: round(m('rate'), 1),
      lagP99Ms: round(m('lagP99Ms'), 1),
      cpuMsPerSignIn: round(m('cpuMsPerSignIn'), 1),
      p50Ms: round(m('p50Ms')),
      p99Ms: round(m('p99Ms')),
      rssMb: round(Math.max(...row.samples.map((s) => s.rssMb))),
      failures: row.samples.reduce((n, s) => n + s.failures, 0),
      samples: row.samples.map((s) => ({
        ...s,
        rate: round(s.rate, 1),
        p50Ms: round(s.p50Ms),
        p99Ms: round(s.p99Ms),
        lagP99Ms: round(s.lagP99Ms, 1),
        lagMaxMs: round(s.lagMaxMs, 1),
        cpuMsPerSignIn: round(s.cpuMsPerSignIn, 1),
        rssMb: round(s.rssMb),
      })),
    };
  });
  const powRow = results.find((r) => r.id === 'pow' && r.status === 'ok');
  const baRow = results.find((r) => r.id === 'better-auth' && r.status === 'ok');
  return {
    config: {
      rounds,
      durationS,
      warmupS,
      clients,
      flow: 'full sign-in from an empty cookie jar per iteration',
    },
    rows: results,
    ratio: powRow && baRow ? round(powRow.signInsPerS / baRow.signInsPerS, 2) : null,
    notes,
  };
}
