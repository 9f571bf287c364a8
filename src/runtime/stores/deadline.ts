/**
 * Bounded store calls: every operation on a store (and on the user table) that talks to another
 * process gets a deadline, so an unreachable or paused Redis or database fails a request in
 * about `timeoutMs` instead of hanging it for the length of the outage.
 *
 * One cheap mechanism for all calls: deadlines of one bound are created in time order, so they
 * sit in a FIFO and one interval timer (armed only while calls are pending) fails the
 * overdue ones from the head. No timer, no AbortSignal per call; a call that settles in time only
 * marks its entry done. The memory store is never wrapped (it answers synchronously and cannot
 * hang; its `getNow` path stays allocation-free).
 */
import type { Store } from '../core/types.js';
import { StoreUnavailableError, isOutage } from './unavailable-error.js';

/** The one default: Redis answers in well under a millisecond and a SQL query in a few, so 2 s means "down". */
export const DEFAULT_STORE_TIMEOUT_MS = 2000;

interface Pending {
  expiresAt: number;
  done: boolean;
  fail: () => void;
}

export interface Deadline {
  readonly timeoutMs: number;
  /**
   * Settles like `work`, or rejects with a StoreUnavailableError once `timeoutMs` has passed
   * (and maps connection errors to StoreUnavailableError). `onTimeout` runs when the deadline,
   * not the work, settled the call.
   */
  run<T>(work: Promise<T>, what: string, onTimeout?: () => void): Promise<T>;
}

export function createDeadline(timeoutMs: number = DEFAULT_STORE_TIMEOUT_MS): Deadline {
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new TypeError(
      `pow: store timeout must be a positive number of milliseconds (got ${String(timeoutMs)})`,
    );
  // Overdue calls fail within a quarter of the bound (at most 250 ms) after their deadline.
  const tickMs = Math.max(5, Math.min(250, Math.floor(timeoutMs / 4)));
  let queue: Pending[] = [];
  let head = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  function tick(): void {
    const now = Date.now();
    while (head < queue.length) {
      const entry = queue[head];
      if (!entry.done) {
        if (entry.expiresAt > now) break;
        entry.done = true;
        entry.fail();
      }
      head++;
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
      clearInterval(timer);
      timer = undefined;
    } else if (head > 1024) {
      queue = queue.slice(head);
      head = 0;
    }
  }

  return {
    timeoutMs,
    run<T>(work: Promise<T>, what: string, onTimeout?: () => void): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const entry: Pending = {
          expiresAt: Date.now() + timeoutMs,
          done: false,
          fail: () => {
            onTimeout?.();
            reject(new StoreUnavailableError(`${what}: no answer within ${timeoutMs} ms`));
          },
        };
        queue.push(entry);
        if (timer === undefined) {
          // Referenced while calls are pending (a script waits for its answer or its deadline);
          // cleared as soon as none are, so it never keeps an idle process alive.
          timer = setInterval(tick, tickMs);
        }
        work.then(
          (value) => {
            if (entry.done) return;
            entry.done = true;
            resolve(value);
          },
          (error: unknown) => {
            if (entry.done) return;
            entry.done = true;
            reject(
              isOutage(error) && !(error instanceof StoreUnavailableError)
                ? new StoreUnavailableError(`${what}: ${describe(error)}`, { cause: error })
                : error,
            );
          },
        );
      });
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

const STORE_OPERATIONS = [
  'get',
  'getLinked',
  'put',
  'delete',
  'all',
  'increment',
  'putIfAbsent',
  'decrement',
] as const;

/**
 * The store with a deadline on each operation (other members, e.g. `sweep`, `dump`, `close`,
 * reach the original through the prototype). A store marked `local` (in-process) is returned as
 * is. A deadline that fires calls the store's `recover()`, so a store that owns a connection can
 * replace one that stopped answering.
 */
export function boundedStore(store: Store, deadline: Deadline): Store {
  if (store.local) return store;
  const bounded = Object.create(store) as Store;
  const recover = store.recover ? () => store.recover!() : undefined;
  for (const name of STORE_OPERATIONS) {
    const operation = store[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (typeof operation !== 'function') continue;
    Object.defineProperty(bounded, name, {
      value: (...args: unknown[]) => {
        let work: Promise<unknown>;
        try {
          work = operation.apply(store, args);
        } catch (error) {
          work = Promise.reject(error);
        }
        return deadline.run(work, `store.${name}`, recover);
      },
    });
  }
  return bounded;
}

/** A Prisma model delegate whose listed methods have the deadline (the user table). */
export function boundedDelegate<T extends object>(
  delegate: T,
  methods: readonly string[],
  deadline: Deadline,
): T {
  const bounded: Record<string, unknown> = {};
  for (const name of methods) {
    const method = (delegate as Record<string, unknown>)[name];
    if (typeof method !== 'function') continue;
    bounded[name] = (...args: unknown[]) => {
      let work: Promise<unknown>;
      try {
        work = Promise.resolve((method as (...a: unknown[]) => unknown).apply(delegate, args));
      } catch (error) {
        work = Promise.reject(error);
      }
      return deadline.run(work, `user.${name}`);
    };
  }
  return bounded as T;
}
