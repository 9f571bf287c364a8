// Shared by every benchmark server: listen on loopback, report the port over IPC, measure
// event-loop delay and CPU inside the server for a window the harness opens and closes, stop on
// request or when the harness goes away.
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The one account every server signs in. 25 characters: passes pow's 15-character minimum and its blocklist. */
export const BENCH_USER = {
  email: 'bench@example.com',
  password: 'bench pw 7f3a9c2e51d84b06',
  name: 'Bench User',
};
/**
 * The accounts a server creates: BENCH_USER, then `BENCH_USERS - 1` more with the same password
 * (bench1@example.com, ...). The sign-in part asks for one per client, as a sign-in burst is many
 * people signing in, not one account 32 times at once (which pow's per-account throttle, counting
 * every attempt before its verify, rightly treats as an attack on that account).
 */
export function benchUsers(count = Math.max(1, Number(process.env.BENCH_USERS) || 1)) {
  return Array.from({ length: count }, (_, i) =>
    i === 0 ? BENCH_USER : { ...BENCH_USER, email: `bench${i}@example.com` },
  );
}

export const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** A scratch folder for this server (SQLite files), made by the harness and removed by it. */
export function dataDir() {
  const dir = process.env.BENCH_DATA_DIR;
  if (!dir) throw new Error('BENCH_DATA_DIR is not set');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function sqliteFile(name) {
  return join(dataDir(), name);
}

const cleanups = [];

/** Registers what to release at stop (or after a failed start), run last-registered first. */
export function atCleanup(fn) {
  cleanups.push(fn);
}

async function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (err) {
      console.error('cleanup failed:', err);
    }
  }
}

/**
 * Starts `app` on 127.0.0.1 (a free port), then answers the harness:
 * `window:start` resets the event-loop histogram and the CPU counter, `window:end` reads them,
 * `stop` closes the server, runs the cleanups (see atCleanup) and exits.
 */
export async function serve(app, { counters } = {}) {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let cpu = process.cpuUsage();
  let started = performance.now();

  const server = createServer(app);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve()));
    await runCleanups();
  };

  process.on('message', async (msg) => {
    if (!msg || typeof msg !== 'object') return;
    const reply = (body) => process.send?.({ id: msg.id, ...body });
    if (msg.cmd === 'window:start') {
      lag.reset();
      cpu = process.cpuUsage();
      started = performance.now();
      reply({ ok: true });
    } else if (msg.cmd === 'window:end') {
      const used = process.cpuUsage(cpu);
      reply({
        ok: true,
        elapsedMs: performance.now() - started,
        cpuMs: (used.user + used.system) / 1000,
        lagP50Ms: lag.percentile(50) / 1e6,
        lagP99Ms: lag.percentile(99) / 1e6,
        lagMaxMs: lag.max / 1e6,
        rssMb: process.memoryUsage().rss / 2 ** 20,
      });
    } else if (msg.cmd === 'counts:reset' && counters) {
      counters.reset();
      reply({ ok: true });
    } else if (msg.cmd === 'counts:read' && counters) {
      reply({ ok: true, counts: counters.read() });
    } else if (msg.cmd === 'stop') {
      await stop();
      reply({ ok: true });
      process.exit(0);
    }
  });
  // The harness died or was interrupted: never outlive it.
  process.on('disconnect', async () => {
    await stop();
    process.exit(0);
  });

  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.send?.({ type: 'ready', port });
  return server;
}

/** Runs `main`; reports a start-up failure to the harness instead of hanging it. */
export function start(main) {
  main().catch(async (err) => {
    console.error(err);
    await runCleanups();
    process.send?.({ type: 'failed', error: String(err?.stack ?? err) });
    setTimeout(() => process.exit(1), 50);
  });
}
