/**
 * Middleware benchmark (not a test): requests/s of an authenticated GET through
 * `auth.middleware()` + `auth.requireAuthenticated` with the memory store, against the same
 * route on bare Express 5. Both servers run in this process; rounds are interleaved (the order
 * alternates each round). autocannon runs in a child process (bench/http/load.mjs), so this
 * process's CPU time is the servers' alone: besides req/s, the report gives server CPU time per
 * request, which stays meaningful when other work competes for the machine's cores.
 *
 *   npm run bench:http -- [--rounds 5] [--duration 5] [--connections 50] [--users memory|sqlite] [--json]
 *
 * It measures the built package (dist/, what apps install), so `bench:http` builds first. Running
 * src/ through tsx instead would add esbuild's `__name` helper to every closure made per request.
 *
 * Acceptance (issue 4): pow's median req/s >= 85 % of bare Express.
 *
 * What the pow request does: read the cookie, check the token's HMAC tag (the tag is also the
 * store key), two memory store reads (token pointer, session record), re-read the user, set the
 * res.locals keys and the request context (req.currentUser / req.pow are accessors). By default (`--users memory`) the user is re-read from an in-memory stand-in
 * for the Prisma delegate (same `findFirst` surface), so the numbers measure pow's middleware,
 * not a database round trip; `--users sqlite` re-reads it through a real Prisma client on SQLite
 * (what an app pays per request, dominated by the query).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import type { Server } from 'node:http';
// The built package (dist/), typed by its sources: a fresh checkout type-checks before it builds.
const built = (path: string): Promise<unknown> =>
  import(new URL(`../../dist/runtime/${path}`, import.meta.url).href);
const { createPow, memoryStore } = (await built('index.js')) as typeof import('../../src/runtime/index.js');
const { powExpress } = (await built(
  'express/index.js',
)) as typeof import('../../src/runtime/express/index.js');
const { signInAs } = (await built(
  'express/testing.js',
)) as typeof import('../../src/runtime/express/testing.js');

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}
const ROUNDS = arg('rounds', 5);
const DURATION = arg('duration', 5);
const CONNECTIONS = arg('connections', 50);
const JSON_OUTPUT = process.argv.includes('--json');
const USERS = process.argv.includes('--users') ? process.argv[process.argv.indexOf('--users') + 1] : 'memory';
if (USERS !== 'memory' && USERS !== 'sqlite') throw new Error('--users must be memory or sqlite');

type Row = Record<string, unknown>;

/** In-memory stand-in for a Prisma model delegate (the methods pow's core calls). */
function memoryUsers() {
  const rows: Row[] = [];
  let nextId = 1;
  const matches = (row: Row, where: Row) => Object.entries(where).every(([k, v]) => row[k] === v);
  return {
    async findFirst({ where }: { where: Row }) {
      const row = rows.find((r) => matches(r, where));
      return row ? { ...row } : null;
    },
    async findMany({ where, take }: { where: Row; take?: number }) {
      return rows
        .filter((r) => matches(r, where))
        .slice(0, take ?? rows.length)
        .map((r) => ({ ...r }));
    },
    async create({ data }: { data: Row }) {
      if (rows.some((r) => r.email === data.email)) {
        throw Object.assign(new Error('Unique constraint failed'), {
          code: 'P2002',
          meta: { target: ['email'] },
        });
      }
      const row = { id: nextId++, createdAt: new Date(), ...data };
      rows.push(row);
      return { ...row };
    },
    async update({ where, data }: { where: Row; data: Row }) {
      const row = rows.find((r) => matches(r, where));
      if (!row) throw Object.assign(new Error('not found'), { code: 'P2025' });
      Object.assign(row, data);
      return { ...row };
    },
    async delete({ where }: { where: Row }) {
      const index = rows.findIndex((r) => matches(r, where));
      if (index === -1) throw Object.assign(new Error('not found'), { code: 'P2025' });
      return rows.splice(index, 1)[0];
    },
  };
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/me` };
}

async function main(): Promise<void> {
  const bareApp = express();
  bareApp.get('/me', (_req, res) => {
    res.json({ email: 'bench@example.com' });
  });

  let cleanupDb: (() => Promise<void>) | undefined;
  let prisma: object = { user: memoryUsers() };
  if (USERS === 'sqlite') {
    const { createTestDatabase } = await import('../../test/helpers/prisma-test-client.js');
    const db = await createTestDatabase('sqlite');
    prisma = db.prisma;
    cleanupDb = db.cleanup;
  }
  const pow = createPow({
    prisma,
    store: memoryStore(),
    secret: 'bench-secret-'.repeat(4),
    hashing: { insecureTestParameters: true },
  });
  const created = await pow.users.create({
    email: 'bench@example.com',
    password: 'benchmark passphrase 2026',
    password_confirmation: 'benchmark passphrase 2026',
  });
  if (!created.ok) throw new Error(`could not create the bench user: ${JSON.stringify(created.errors)}`);
  const auth = powExpress(pow);
  const powApp = express();
  powApp.use(auth.middleware());
  powApp.get('/me', auth.requireAuthenticated, (req, res) => {
    res.json({ email: (req as unknown as { currentUser: { email: string } }).currentUser.email });
  });
  const cookie = await signInAs(auth, created.value);

  const bare = await listen(bareApp);
  const powServer = await listen(powApp);
  const targets = {
    bare: { url: bare.url, headers: {} as Record<string, string> },
    pow: { url: powServer.url, headers: { cookie } },
  };

  // Sanity: both answer 200 with the user; pow without the cookie redirects.
  for (const [name, target] of Object.entries(targets)) {
    const res = await fetch(target.url, { headers: target.headers, redirect: 'manual' });
    const body = (await res.json()) as { email?: string };
    if (res.status !== 200 || body.email !== 'bench@example.com')
      throw new Error(`${name}: HTTP ${res.status}`);
  }
  if ((await fetch(powServer.url, { redirect: 'manual' })).status !== 302)
    throw new Error('pow: anonymous request was not redirected');

  const loadScript = fileURLToPath(new URL('./load.mjs', import.meta.url));
  interface LoadResult {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  }
  const run = async (name: keyof typeof targets, duration: number) => {
    const options = {
      url: targets[name].url,
      headers: targets[name].headers,
      connections: CONNECTIONS,
      duration,
    };
    const cpuBefore = process.cpuUsage();
    const result = await new Promise<LoadResult>((resolve, reject) => {
      const child = spawn(process.execPath, [loadScript, JSON.stringify(options)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(out) as LoadResult)
          : reject(new Error(`load.mjs exited with ${code}`)),
      );
    });
    const cpu = process.cpuUsage(cpuBefore);
    const cpuUsPerRequest = (cpu.user + cpu.system) / Math.max(1, result.requests.total);
    return { ...result, cpuUsPerRequest };
  };

  // Warm-up (JIT, caches), not recorded.
  await run('bare', 2);
  await run('pow', 2);

  const results: Record<
    'bare' | 'pow',
    Array<{ rps: number; p99: number; cpuUs: number; non2xx: number; errors: number }>
  > = {
    bare: [],
    pow: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    const order: Array<'bare' | 'pow'> = round % 2 === 0 ? ['bare', 'pow'] : ['pow', 'bare'];
    for (const name of order) {
      const result = await run(name, DURATION);
      const cpuUs = Math.round(result.cpuUsPerRequest * 10) / 10;
      results[name].push({
        rps: result.requests.average,
        p99: result.latency.p99,
        cpuUs,
        non2xx: result.non2xx,
        errors: result.errors,
      });
      if (!JSON_OUTPUT) {
        process.stderr.write(
          `round ${round + 1}/${ROUNDS} ${name.padEnd(4)} ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, server CPU ${cpuUs} µs/request\n`,
        );
      }
    }
  }
  await Promise.all([bare, powServer].map(({ server }) => new Promise((resolve) => server.close(resolve))));
  await pow.store.close?.();
  await cleanupDb?.();

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const summary = {
    node: process.version,
    rounds: ROUNDS,
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    users: USERS,
    bare: {
      medianRps: Math.round(median(results.bare.map((r) => r.rps))),
      medianP99Ms: median(results.bare.map((r) => r.p99)),
      medianCpuUsPerRequest: median(results.bare.map((r) => r.cpuUs)),
    },
    pow: {
      medianRps: Math.round(median(results.pow.map((r) => r.rps))),
      medianP99Ms: median(results.pow.map((r) => r.p99)),
      medianCpuUsPerRequest: median(results.pow.map((r) => r.cpuUs)),
    },
    best: {
      bareRps: Math.round(Math.max(...results.bare.map((r) => r.rps))),
      powRps: Math.round(Math.max(...results.pow.map((r) => r.rps))),
      bareCpuUs: Math.min(...results.bare.map((r) => r.cpuUs)),
      powCpuUs: Math.min(...results.pow.map((r) => r.cpuUs)),
    },
    perRound: results,
    ratio: 0,
    /** bare CPU per request / pow CPU per request: the req/s ratio a dedicated core would give. */
    cpuRatio: 0,
    target: 0.85,
    pass: false,
  };
  summary.ratio = Math.round((summary.pow.medianRps / summary.bare.medianRps) * 1000) / 1000;
  summary.cpuRatio =
    Math.round((summary.bare.medianCpuUsPerRequest / summary.pow.medianCpuUsPerRequest) * 1000) / 1000;
  summary.pass = summary.ratio >= summary.target;
  const failures = [...results.bare, ...results.pow].reduce((n, r) => n + r.non2xx + r.errors, 0);
  if (failures > 0) throw new Error(`${failures} non-2xx responses or errors during the benchmark`);

  if (JSON_OUTPUT) {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(
      [
        '',
        `| signed-in GET /me (${CONNECTIONS} connections, ${ROUNDS} x ${DURATION} s, interleaved) | median req/s | vs bare | median p99 | server CPU / request | vs bare (CPU) |`,
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        `| bare Express 5 | ${summary.bare.medianRps} | 1.00 | ${summary.bare.medianP99Ms} ms | ${summary.bare.medianCpuUsPerRequest} µs | 1.00 |`,
        `| pow middleware, memory store, users: ${USERS} | ${summary.pow.medianRps} | ${summary.ratio.toFixed(2)} | ${summary.pow.medianP99Ms} ms | ${summary.pow.medianCpuUsPerRequest} µs | ${summary.cpuRatio.toFixed(2)} |`,
        `| best round (least disturbed): bare ${summary.best.bareRps} req/s, ${summary.best.bareCpuUs} µs; pow ${summary.best.powRps} req/s, ${summary.best.powCpuUs} µs | | ${(summary.best.powRps / summary.best.bareRps).toFixed(2)} | | | ${(summary.best.bareCpuUs / summary.best.powCpuUs).toFixed(2)} |`,
        '',
        `target: req/s >= ${summary.target} x bare: ${summary.pass ? 'PASS' : 'FAIL'} (${process.version}, load average ${loadavg()
          .map((n) => n.toFixed(1))
          .join(' ')})`,
        '',
      ].join('\n'),
    );
  }
  process.exitCode = summary.pass ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
