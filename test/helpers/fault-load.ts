/**
 * A small app and load generator for fault tests: a few clients keep requesting a protected
 * page (signing in again when their session is gone) while a test kills, pauses or resets the
 * store's server, and every response is recorded with its timing.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createPow, createUser } from '../../src/runtime/index.js';
import type { Store } from '../../src/runtime/core/types.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import assert from 'node:assert/strict';
import { anonymousSession } from '../../src/runtime/express/testing.js';

export const PASSWORD = 'correct staple battery horse kayak';
const SECRET = 'fault-test-secret-'.repeat(3);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Sample {
  what: 'page' | 'signin' | 'public';
  start: number;
  end: number;
  status: number;
  /** The protected page was served (its body names the user). */
  served: boolean;
  body: string;
  retryAfter: string | null;
}

export interface FaultApp {
  url: string;
  auth: PowExpress;
  /** Responses the app's own last error handler saw (would be 500s). */
  errors: unknown[];
  signIn(email: string): Promise<{ status: number; cookie: string | null; sample: Sample }>;
  page(cookie: string | null, accept?: string): Promise<Sample>;
  publicPage(): Promise<Sample>;
  close(): Promise<void>;
}

export async function faultApp(options: {
  store: Store;
  prisma: object;
  storeTimeoutMs: number;
}): Promise<FaultApp> {
  const pow = createPow({
    prisma: options.prisma,
    store: options.store,
    secret: SECRET,
    storeTimeoutMs: options.storeTimeoutMs,
    hashing: { insecureTestParameters: true },
  });
  const auth = powExpress(pow);
  const errors: unknown[] = [];
  const app = express();
  // Needs no store: must keep working through every outage.
  app.get('/public', (_req, res) => void res.send('public page'));
  app.use(auth.middleware());
  app.get('/protected', auth.requireAuthenticated, (req, res) => {
    res.send(`protected page of ${String(auth.currentUser(req)?.email)}`);
  });
  app.post('/session', async (req, res, next) => {
    try {
      const result = await auth.signIn(req, res, req.body?.user_id, req.body?.password);
      if (result.ok) res.redirect('/protected');
      else res.status(result.status).send(result.messageKey);
    } catch (error) {
      next(error);
    }
  });
  app.use(auth.errorHandler());
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    errors.push(error);
    res.status(500).send('unexpected');
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sample = async (
    what: Sample['what'],
    response: Promise<Response>,
    start: number,
  ): Promise<Sample> => {
    try {
      const r = await response;
      const body = await r.text();
      return {
        what,
        start,
        end: Date.now(),
        status: r.status,
        served: body.startsWith('protected page of '),
        body,
        retryAfter: r.headers.get('retry-after'),
      };
    } catch (error) {
      return {
        what,
        start,
        end: Date.now(),
        status: 0,
        served: false,
        body: String(error),
        retryAfter: null,
      };
    }
  };

  return {
    url,
    auth,
    errors,
    async signIn(email) {
      const anon = anonymousSession(auth);
      const start = Date.now();
      let cookie: string | null = null;
      const response = fetch(`${url}/session`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: anon.cookie },
        body: new URLSearchParams({ user_id: email, password: PASSWORD, _csrf: anon.csrfToken }).toString(),
        signal: AbortSignal.timeout(30_000),
      }).then((r) => {
        const set = r.headers.getSetCookie().find((c) => c.startsWith(`${auth.cookieName}=`));
        if (set) cookie = set.split(';')[0];
        return r;
      });
      const s = await sample('signin', response, start);
      return { status: s.status, cookie, sample: s };
    },
    page(cookie, accept = 'text/html') {
      const start = Date.now();
      return sample(
        'page',
        fetch(`${url}/protected`, {
          redirect: 'manual',
          headers: { accept, ...(cookie ? { cookie } : {}) },
          signal: AbortSignal.timeout(30_000),
        }),
        start,
      );
    },
    publicPage() {
      const start = Date.now();
      return sample('public', fetch(`${url}/public`, { signal: AbortSignal.timeout(30_000) }), start);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Creates `count` users with PASSWORD through a pow instance on the same database. */
export async function createUsers(prisma: object, store: Store, emails: string[]): Promise<void> {
  const pow = createPow({ prisma, store, secret: SECRET, hashing: { insecureTestParameters: true } });
  for (const email of emails) await createUser(pow, { email, password: PASSWORD });
}

/**
 * Keeps `clients` clients busy until `stop()`: each requests the protected page with its
 * cookie, and signs in again whenever it has none or is sent to sign in.
 */
export function startLoad(app: FaultApp, emails: string[]) {
  const samples: Sample[] = [];
  let running = true;
  const loops = emails.map(async (email) => {
    let cookie: string | null = null;
    while (running) {
      if (!cookie) {
        const result = await app.signIn(email);
        samples.push(result.sample);
        cookie = result.cookie;
        if (!cookie) await sleep(50);
        continue;
      }
      const s = await app.page(cookie);
      samples.push(s);
      if (s.status === 302) cookie = null;
      samples.push(await app.publicPage());
      await sleep(10);
    }
  });
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Polls until a fresh sign-in and the protected page work; returns how long that took. */
export async function timeToRecover(app: FaultApp, email: string, limitMs: number): Promise<number> {
  const from = Date.now();
  for (;;) {
    const { cookie } = await app.signIn(email);
    if (cookie) {
      const page = await app.page(cookie);
      if (page.status === 200 && page.served) return Date.now() - from;
    }
    if (Date.now() - from > limitMs) return Date.now() - from;
    await sleep(100);
  }
}

/**
 * Measures how long this process's event loop was stalled (by the machine's load or by GC),
 * so a latency bound checks pow's deadline rather than the scheduler: `between(a, b)` is the
 * stall time beyond a 20 ms tick within [a, b].
 */
export function loopStalls() {
  const stalls: Array<{ at: number; ms: number }> = [];
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - last > 40) stalls.push({ at: now, ms: now - last - 20 });
    last = now;
  }, 20);
  timer.unref();
  return {
    between(from: number, to: number): number {
      let total = 0;
      for (const stall of stalls) if (stall.at >= from && stall.at - stall.ms <= to) total += stall.ms;
      return total;
    },
    max(): number {
      return stalls.reduce((m, s) => Math.max(m, s.ms), 0);
    },
    stop: () => clearInterval(timer),
  };
}

// The machine running the suite may be loaded (shared cores): a latency bound allows for the time
// this process's event loop was measurably stalled, and checks pow's deadline, not the scheduler.
const stalls = loopStalls();

export type DuringCheck = (from: number, to: number, samples: Sample[]) => void;

/**
 * Every response 200, 302 or 503 (503 with Retry-After, no stack trace), none slower than the
 * deadline + 1 s, and the page that needs no store always 200.
 */
export function checkSamples(samples: Sample[], label: string, deadlineMs: number): void {
  assert.ok(samples.length > 0, `${label}: the load ran`);
  const byStatus: Record<number, number> = {};
  for (const s of samples) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  for (const s of samples) {
    assert.ok(
      [200, 302, 503].includes(s.status),
      `${label}: ${s.what} answered ${s.status} (${s.body.slice(0, 200)}); all: ${JSON.stringify(byStatus)}`,
    );
    const stalled = stalls.between(s.start, s.end);
    assert.ok(
      s.end - s.start <= deadlineMs + 1000 + stalled,
      `${label}: ${s.what} took ${s.end - s.start} ms (event loop stalled ${stalled} ms meanwhile)`,
    );
    if (s.status === 503) {
      assert.ok(s.retryAfter && Number(s.retryAfter) > 0, `${label}: 503 without Retry-After`);
      assert.doesNotMatch(s.body, /\bat .*\.(ts|js):\d+/, `${label}: a stack trace in a 503`);
    }
    if (s.what === 'public') assert.equal(s.status, 200, `${label}: the page that needs no store failed`);
  }
}

/** One fault cycle under load: fault, outage, heal; then recovery within 5 s and the checks above. */
export async function faultCycle(
  setup: { app: FaultApp; emails: string[]; probe: string; deadlineMs: number; outageMs: number },
  label: string,
  fault: () => Promise<void> | void,
  heal: () => Promise<void> | void,
  during?: DuringCheck,
): Promise<void> {
  const { app, emails, probe, deadlineMs, outageMs } = setup;
  const load = startLoad(app, emails);
  try {
    await sleep(500);
    const from = Date.now();
    await fault();
    await sleep(outageMs);
    const to = Date.now();
    await heal();
    const back = Date.now();
    const recovery = await timeToRecover(app, probe, 5000 + stalls.between(back, back + 5000));
    const stalled = stalls.between(back, back + recovery);
    assert.ok(
      recovery <= 5000 + stalled,
      `${label}: not answering normally ${recovery} ms after the server came back (stalled ${stalled} ms)`,
    );
    await sleep(200);
    await load.stop();
    if (process.env.POW_FAULT_DEBUG)
      console.log(
        label,
        JSON.stringify(load.samples.map((x) => [x.what, x.status, x.start - from, x.end - from])),
      );
    checkSamples(load.samples, label, deadlineMs);
    during?.(from, to, load.samples);
    assert.ok(
      // Any 503 that ended after the fault began (none are expected before it).
      load.samples.some((s) => s.status === 503 && s.end >= from),
      `${label}: the outage was seen (503s)`,
    );
  } finally {
    await load.stop();
  }
  assert.deepEqual(app.errors, [], `${label}: errors reached the app's last error handler`);
}
