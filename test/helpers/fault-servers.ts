/**
 * Private servers for fault tests: they are killed, paused (SIGSTOP) and reset, so they are
 * never the shared ones (PostgreSQL 5432, MariaDB 3306, Redis 6379). Every server here is
 * started by the test, on a free port, without persistence, and `destroy()` stops it and removes
 * its files (call it in `after`, it is safe after a failure and twice).
 *
 * - `privateRedis()`: `redis-server --port N --save '' --appendonly no`.
 * - `resetProxy(port)`: an in-process TCP proxy in front of a server that can drop every
 *   connection and, in "reset" mode, reset each new connection on its first bytes (what a
 *   load balancer or a restarting server does to a client in the middle of its reconnect).
 * - `privateRedisCluster()`: three `redis-server --cluster-enabled yes` + `redis-cli --cluster create`.
 * - `privatePostgres()`: `initdb` + `pg_ctl` on a free port in a temp dir (run as the
 *   `postgres` user when the test runs as root, since PostgreSQL refuses to run as root).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL, then wait for the process to be gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  destroy(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let paused = false;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitForPort(port);
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((resolve) => c.once('exit', resolve));
    if (paused) c.kill('SIGCONT');
    paused = false;
    c.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    pause() {
      child?.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      child?.kill('SIGCONT');
      paused = false;
    },
    destroy: kill,
  };
}

export interface ResetProxy {
  port: number;
  /** "forward": pass bytes both ways; "reset": reset each connection on its first bytes. */
  mode: 'forward' | 'reset';
  /** Resets every open connection (a dead socket for every client). */
  dropAll(): void;
  close(): Promise<void>;
}

export async function resetProxy(targetPort: number): Promise<ResetProxy> {
  const sockets = new Set<Socket>();
  const proxy: ResetProxy = {
    port: 0,
    mode: 'forward',
    dropAll() {
      for (const socket of sockets) socket.resetAndDestroy();
      sockets.clear();
    },
    async close() {
      proxy.dropAll();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (proxy.mode === 'reset') {
      client.once('data', () => client.resetAndDestroy());
      return;
    }
    const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
    sockets.add(upstream);
    upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  return proxy;
}

export interface PrivatePostgres {
  port: number;
  /** postgresql://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** `pg_ctl stop -m immediate` (a crash, as a killed server). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP the postmaster and every backend (all processes of this cluster only). */
  pause(): void;
  resume(): void;
  destroy(): Promise<void>;
}

function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const path = join(root, version, 'bin', name);
    if (existsSync(path)) return path;
  }
  throw new Error(`no ${name} under ${root}/*/bin`);
}

export async function privatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pow-faults-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gw = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pw.stdout.trim()), Number(gw.stdout.trim()));
  }
  const run = (bin: string, args: string[]) => {
    const [command, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', pgBin(bin), ...args]]
      : [pgBin(bin), args];
    const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0)
      throw new Error(`${bin} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  };
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const start = async () => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    await waitForPort(port);
  };
  const pids = (): number[] => {
    const file = join(data, 'postmaster.pid');
    if (!existsSync(file)) return [];
    const main = Number(readFileSync(file, 'utf8').split('\n')[0]);
    const out = [main];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === main) out.push(Number(entry));
      } catch {
        // the process ended meanwhile
      }
    }
    return out;
  };
  const signal = (name: NodeJS.Signals) => {
    for (const pid of pids()) {
      try {
        process.kill(pid, name);
      } catch {
        // gone
      }
    }
  };
  let destroyed = false;
  await start();
  return {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      signal('SIGCONT');
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    start,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      signal('SIGCONT');
      try {
        if (existsSync(join(data, 'postmaster.pid')))
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface PrivateRedisCluster {
  ports: number[];
  /** The nodes' URLs, for REDIS_URL (comma-separated) or `redisClusterOptions`. */
  urls: string[];
  destroy(): Promise<void>;
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
}

/** SCAN's name on the private cluster's nodes, for tests that list what pow stored. */
export const CLUSTER_SCAN = 'pow-test-scan';

/**
 * A Redis Cluster of `masters` nodes (no replicas) from `redis-server --cluster-enabled yes` and
 * `redis-cli --cluster create`, in a temp dir, without persistence; resolves once every node
 * reports `cluster_state:ok`. KEYS is disabled and SCAN renamed (CLUSTER_SCAN) on every node.
 */
export async function privateRedisCluster(masters = 3): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pow-redis-cluster-'));
  const children: ChildProcess[] = [];
  const taken = new Set<number>();
  const ports: number[] = [];
  const destroy = async () => {
    await Promise.all(
      children.splice(0).map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return gone;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port).add(port + 10_000);
      ports.push(port);
      // One node dir each: redis writes nodes.conf (the cluster's own state) there.
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      children.push(
        spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(nodeDir, 'nodes.conf'),
            '--dir',
            nodeDir,
            '--save',
            '',
            '--appendonly',
            'no',
            // pow may not scan a cluster: its commands are renamed, so a SCAN or KEYS fails.
            '--rename-command',
            'SCAN',
            CLUSTER_SCAN,
            '--rename-command',
            'KEYS',
            '',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    await Promise.all(ports.map((port) => waitForPort(port)));
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    const until = Date.now() + 20_000;
    for (const port of ports) {
      for (;;) {
        const info = spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' });
        if (/cluster_state:ok/.test(info.stdout)) break;
        if (Date.now() > until) throw new Error(`cluster node ${port} not ok: ${info.stdout}`);
        await sleep(100);
      }
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  return { ports, urls: ports.map((port) => `redis://127.0.0.1:${port}`), destroy };
}

export interface PrivatePgBouncer {
  port: number;
  /** postgresql://postgres@127.0.0.1:PORT/postgres, through the pooler. */
  url: string;
  destroy(): Promise<void>;
}

/**
 * Debian's pgbouncer on a free port, in transaction mode, in front of the PostgreSQL server on
 * `targetPort` (every database, user postgres, trust). It runs as the `postgres` user when the
 * test runs as root (pgbouncer refuses root). PostgreSQL session parameters that pow's
 * `pgPoolOptions` sends at connect (statement_timeout, idle_in_transaction_session_timeout) are
 * ignored, as docs/guides/session-store.md tells PgBouncer users to configure it; the pooler's
 * own `query_timeout` and `idle_transaction_timeout` bound queries and transactions instead.
 */
export async function privatePgBouncer(targetPort = 5432): Promise<PrivatePgBouncer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pow-pgbouncer-'));
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=127.0.0.1 port=${targetPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      'admin_users = postgres',
      'pool_mode = transaction',
      'max_client_conn = 500',
      'default_pool_size = 10',
      'query_timeout = 5',
      'idle_transaction_timeout = 10',
      'ignore_startup_parameters = extra_float_digits,statement_timeout,idle_in_transaction_session_timeout',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    for (const path of [dir, ini, join(dir, 'userlist.txt')]) chownSync(path, uid, gid);
  }
  const child = spawn(
    asRoot ? 'runuser' : '/usr/sbin/pgbouncer',
    asRoot ? ['-u', 'postgres', '--', '/usr/sbin/pgbouncer', ini] : [ini],
    { stdio: 'ignore', detached: true },
  );
  const destroy = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port);
  } catch (error) {
    await destroy();
    throw error;
  }
  return { port, url: `postgresql://postgres@127.0.0.1:${port}/postgres`, destroy };
}
