/**
 * Boots a generated app as a real child process on a free loopback port and stops it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningApp {
  url: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `command args` in `cwd` with PORT set, waits until `GET /` answers (any status).
 * `baseEnv` is the environment `env` is laid over: the runner's by default; the real-app corpus
 * passes one without the variables that would configure the app, so its own `.env` counts.
 */
export async function startApp(
  cwd: string,
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 30_000,
  baseEnv: Record<string, string | undefined> = process.env,
): Promise<RunningApp> {
  // A test that must know the URL before the app starts (an OAuth provider registers its callback
  // URL) passes PORT; otherwise any free port.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  let output = '';
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env: { ...baseEnv, NODE_ENV: 'development', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${output}`);
    try {
      await fetch(url + '/', { redirect: 'manual' });
      return { url, port, output: () => output, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  await stop();
  throw new Error(`app did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
}
