// Part 2: a signed-in GET /me. Every server in its own child process on loopback; autocannon in
// the harness process; interleaved rounds (the order rotates each round); medians over rounds.
import autocannon from 'autocannon';
import { checkSignedIn, signIn } from '../lib/clients.mjs';
import { startServer } from '../lib/proc.mjs';
import { median, round } from '../lib/stats.mjs';

export const REQUEST_SERVERS = [
  {
    id: 'bare',
    label: 'bare Express 5 (ceiling: no session, no user lookup)',
    script: 'bare-express.mjs',
    client: 'bare',
  },
  {
    id: 'passport-redis',
    label: 'express-session + connect-redis + passport-local (user via Prisma SQLite)',
    script: 'passport-redis.mjs',
    client: 'passport',
  },
  {
    id: 'better-auth-sqlite',
    label: 'Better Auth, SQLite (rate limiter off, no cookie cache)',
    script: 'better-auth.mjs',
    client: 'betterAuth',
  },
  {
    id: 'pow-memory',
    label: 'pow, memory store (user via Prisma SQLite)',
    script: 'pow.mjs',
    args: ['memory'],
    client: 'pow',
    pow: true,
  },
  {
    id: 'pow-prisma-sqlite',
    label: 'pow, Prisma store, SQLite',
    script: 'pow.mjs',
    args: ['prisma-sqlite'],
    client: 'pow',
    pow: true,
  },
  {
    id: 'pow-prisma-pg',
    label: 'pow, Prisma store, PostgreSQL',
    script: 'pow.mjs',
    args: ['prisma-pg'],
    client: 'pow',
    pow: true,
  },
  {
    id: 'pow-redis',
    label: 'pow, Redis store (user via Prisma SQLite)',
    script: 'pow.mjs',
    args: ['redis'],
    client: 'pow',
    pow: true,
  },
  // A signed-in page that renders an EJS view (servers/views/page.ejs): the ceiling renders the
  // same view with constants in place of pow's request context.
  {
    id: 'bare-page',
    label: 'bare Express 5, EJS page (ceiling of the page rows)',
    script: 'bare-express.mjs',
    client: 'bare',
    path: '/page',
  },
  {
    id: 'pow-memory-page',
    label: 'pow, memory store, EJS page',
    script: 'pow.mjs',
    args: ['memory'],
    client: 'pow',
    pow: true,
    path: '/page',
  },
  {
    id: 'pow-redis-page',
    label: 'pow, Redis store, EJS page',
    script: 'pow.mjs',
    args: ['redis'],
    client: 'pow',
    pow: true,
    path: '/page',
  },
  {
    id: 'pow-prisma-sqlite-page',
    label: 'pow, Prisma store, SQLite, EJS page',
    script: 'pow.mjs',
    args: ['prisma-sqlite'],
    client: 'pow',
    pow: true,
    path: '/page',
  },
];

/** The row whose req/s a row is compared with: the bare server on the same path. */
const ceilingOf = (row) => (row.path === '/page' ? 'bare-page' : 'bare');

const GETS_COUNTED = 20;

/**
 * Store calls and user-table queries of one sign-in (GET /session/new + POST /session) and of one
 * signed-in GET (the mean of GETS_COUNTED), from the server's own counters (servers/counting.mjs).
 */
async function countCalls(row) {
  const { server } = row;
  await server.resetCounts();
  const jar = await signIn.pow(server.url);
  const perSignIn = await server.readCounts();
  await server.resetCounts();
  for (let i = 0; i < GETS_COUNTED; i++) await checkSignedIn(server.url, jar);
  const gets = await server.readCounts();
  const perGet = Object.fromEntries(Object.entries(gets).map(([k, v]) => [k, round(v / GETS_COUNTED, 2)]));
  const total = (counts, prefix) =>
    round(
      Object.entries(counts).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0),
      2,
    );
  return {
    perSignIn,
    perGet,
    storeCallsPerSignIn: total(perSignIn, 'store.'),
    userQueriesPerSignIn: total(perSignIn, 'db.'),
    storeCallsPerGet: total(perGet, 'store.'),
    userQueriesPerGet: total(perGet, 'db.'),
  };
}

function cannon({ url, path = '/me', cookie, connections, durationS }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}${path}`,
        connections,
        duration: durationS,
        headers: { cookie, accept: 'application/json' },
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

/**
 * @param {{ rounds: number, durationS: number, warmupS: number, connections: number, env: object,
 *           powAvailable: boolean, powNote: string, log: (s: string) => void }} opts
 */
export async function runRequest(opts) {
  const { rounds, durationS, warmupS, connections, log } = opts;
  const known = REQUEST_SERVERS.map((s) => s.id);
  for (const id of opts.servers ?? [])
    if (!known.includes(id)) log(`  (no row "${id}" in this part; its rows: ${known.join(', ')})`);
  const picked = opts.servers ? REQUEST_SERVERS.filter((s) => opts.servers.includes(s.id)) : REQUEST_SERVERS;
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
        const server = await startServer({ id: row.id, script: row.script, args: row.args, env: opts.env });
        running.push(server);
        row.server = server;
        const jar = await signIn[row.client](server.url);
        await checkSignedIn(server.url, jar);
        row.cookie = jar.header();
        if (row.pow && !row.path) row.calls = await countCalls(row);
        row.status = 'ok';
      } catch (err) {
        row.status = 'failed';
        row.note = String(err.message ?? err)
          .split('\n')
          .slice(0, 6)
          .join(' | ');
        log(`  ${row.id} FAILED: ${row.note}`);
        await row.server?.stop();
        row.server = undefined;
      }
    }
    const active = rows.filter((r) => r.status === 'ok');

    if (warmupS > 0) {
      log(`  warm-up ${warmupS} s each`);
      for (const row of active)
        await cannon({
          url: row.server.url,
          path: row.path,
          cookie: row.cookie,
          connections,
          durationS: warmupS,
        });
    }

    for (let r = 0; r < rounds; r++) {
      const order = active.map((_, i) => active[(i + r) % active.length]);
      for (const row of order) {
        await row.server.windowStart();
        const res = await cannon({
          url: row.server.url,
          path: row.path,
          cookie: row.cookie,
          connections,
          durationS,
        });
        const win = await row.server.windowEnd();
        const sample = {
          round: r + 1,
          rps: res.requests.total / res.duration,
          p50Ms: res.latency.p50,
          p99Ms: res.latency.p99,
          requests: res.requests.total,
          non2xx: res.non2xx,
          errors: res.errors + res.timeouts,
          serverCpuUsPerReq: res.requests.total ? (win.cpuMs * 1000) / res.requests.total : NaN,
          lagP99Ms: win.lagP99Ms,
          rssMb: win.rssMb,
        };
        row.samples.push(sample);
        log(
          `  round ${r + 1} ${row.id.padEnd(18)} ${Math.round(sample.rps)} req/s  p99 ${sample.p99Ms} ms${sample.non2xx || sample.errors ? `  (${sample.non2xx} non-2xx, ${sample.errors} errors)` : ''}`,
        );
      }
    }
  } finally {
    for (const s of running) await s.stop();
  }

  const ceilingRpsOf = (row) => {
    const ceiling = rows.find((r) => r.id === ceilingOf(row));
    return ceiling?.samples.length ? median(ceiling.samples.map((s) => s.rps)) : NaN;
  };
  const results = rows.map((row) => {
    const base = {
      id: row.id,
      label: row.label,
      path: row.path ?? '/me',
      status: row.status,
      note: row.note,
    };
    if (row.calls) base.calls = row.calls;
    if (row.status !== 'ok') return base;
    const rps = median(row.samples.map((s) => s.rps));
    const bad = row.samples.reduce((n, s) => n + s.non2xx + s.errors, 0);
    if (bad)
      notes.push(
        `${row.id}: ${bad} non-2xx responses or errors during the measured rounds: its figures are not valid.`,
      );
    return {
      ...base,
      rps: round(rps),
      p99Ms: round(median(row.samples.map((s) => s.p99Ms)), 1),
      p50Ms: round(median(row.samples.map((s) => s.p50Ms)), 1),
      vsCeiling: round(rps / ceilingRpsOf(row), 2),
      serverCpuUsPerReq: round(median(row.samples.map((s) => s.serverCpuUsPerReq))),
      lagP99Ms: round(median(row.samples.map((s) => s.lagP99Ms)), 1),
      rssMb: round(Math.max(...row.samples.map((s) => s.rssMb))),
      nonOk: bad,
      samples: row.samples.map((s) => ({
        ...s,
        rps: round(s.rps),
        serverCpuUsPerReq: round(s.serverCpuUsPerReq),
        lagP99Ms: round(s.lagP99Ms, 1),
        rssMb: round(s.rssMb),
      })),
    };
  });
  return {
    config: {
      rounds,
      durationS,
      warmupS,
      connections,
      path: 'GET /me (signed in)',
      order: 'interleaved, rotated each round',
    },
    rows: results,
    notes,
  };
}
