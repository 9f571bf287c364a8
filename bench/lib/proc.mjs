// Child processes: benchmark servers (forked, IPC) and timed CLI runs (/usr/bin/time -v).
import { fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { SERVERS } from './paths.mjs';

const live = new Set();

/** Kill every server still running (on error or Ctrl-C): the harness never leaves one behind. */
export function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}
process.once('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * Forks bench/servers/<script> with an IPC channel, waits for its `ready` message (port), and
 * returns a handle. Each server gets its own scratch folder (BENCH_DATA_DIR), removed at stop.
 */
export async function startServer({ id, script, args = [], env = {}, execArgv, timeoutMs = 60_000 }) {
  const dataDir = mkdtempSync(join(tmpdir(), `pow-bench-${id}-`));
  const child = fork(join(SERVERS, script), args, {
    env: { ...process.env, NODE_ENV: 'production', BENCH_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    ...(execArgv ? { execArgv } : {}),
  });
  live.add(child);
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-4000)));

  let nextId = 1;
  const pending = new Map();
  child.on('message', (msg) => {
    if (msg && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  });

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${id}: not ready after ${timeoutMs} ms\n${output}`)),
      timeoutMs,
    );
    child.on('message', (msg) => {
      if (msg?.type === 'ready') {
        clearTimeout(timer);
        resolve(msg.port);
      } else if (msg?.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${id}: failed to start\n${msg.error}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${id}: exited with ${code} before ready\n${output}`));
    });
  }).catch((err) => {
    child.kill('SIGKILL');
    live.delete(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });

  const request = (cmd, timeout = 30_000) =>
    new Promise((resolve, reject) => {
      const msgId = nextId++;
      const timer = setTimeout(() => {
        pending.delete(msgId);
        reject(new Error(`${id}: no answer to ${cmd}`));
      }, timeout);
      pending.set(msgId, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      child.send({ id: msgId, cmd });
    });

  return {
    id,
    port,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    output: () => output,
    windowStart: () => request('window:start'),
    windowEnd: () => request('window:end'),
    /** pow servers only (servers/counting.mjs): reset, and read, the store and user-table call counts. */
    resetCounts: () => request('counts:reset'),
    readCounts: async () => (await request('counts:read')).counts,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        await Promise.race([request('stop', 20_000).catch(() => {}), exited]);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      live.delete(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function parseTimeV(text) {
  const num = (label) => {
    const m = new RegExp(`${label}: ([\\d.:]+)`).exec(text);
    return m ? m[1] : null;
  };
  return {
    maxRssKb: Number(num('Maximum resident set size \\(kbytes\\)')),
    userS: Number(num('User time \\(seconds\\)')),
    sysS: Number(num('System time \\(seconds\\)')),
  };
}

/**
 * Runs a command to completion under /usr/bin/time -v. Wall time is taken here with hrtime
 * (time's own has 10 ms steps); peak memory is the largest resident set of the process tree
 * (ru_maxrss as wait4 reports it, which covers waited-for descendants).
 */
export async function timedRun(cmd, args, { cwd, env = {}, timeoutMs = 120_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pow-bench-time-'));
  const timeFile = join(dir, 'time.txt');
  mkdirSync(dir, { recursive: true });
  const t0 = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-v', '-o', timeFile, cmd, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let usage = { maxRssKb: NaN, userS: NaN, sysS: NaN };
  try {
    usage = parseTimeV(readFileSync(timeFile, 'utf8'));
  } catch {
    // killed before time wrote its report: usage stays NaN
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    code,
    wallMs,
    peakRssMb: usage.maxRssKb / 1024,
    cpuMs: (usage.userS + usage.sysS) * 1000,
    stdout,
    stderr,
  };
}
