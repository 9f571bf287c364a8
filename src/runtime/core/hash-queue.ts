/**
 * A bound on password hashing in flight. Hashes run on libuv's thread pool (4 threads unless
 * UV_THREADPOOL_SIZE says otherwise), so more than that many at once only wait there, holding
 * their requests and their memory, while a sign-in burst grows without limit. This runs at most
 * `concurrency` hashes or verifies at once, queues up to `maxQueued` more, and refuses the rest
 * at once with `HashingBusyError`, which the Express layer answers like a store outage: 503 with
 * Retry-After (a sign-in page shows its "unavailable" message), never a pile-up.
 */
import type { Hasher } from './types.js';
import { StoreUnavailableError } from '../stores/unavailable-error.js';

/** Too many password hashes waiting: answered 503 with Retry-After, like a store outage. */
export class HashingBusyError extends StoreUnavailableError {
  constructor(queued: number) {
    super(`password hashing is at capacity: ${queued} waiting`);
    this.name = 'HashingBusyError';
    this.message = `pow: password hashing is at capacity (${queued} waiting); try again shortly`;
    this.stack = `${this.name}: ${this.message}`;
  }
}

export interface HashQueueOptions {
  /** Hashes running at once. Default: the thread pool's size (UV_THREADPOOL_SIZE, else 4). */
  concurrency?: number;
  /** Hashes waiting for a slot before further ones are refused. Default 16 per running slot. */
  maxQueued?: number;
}

export function threadPoolSize(): number {
  const size = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(size) && size > 0 ? size : 4;
}

/** `hasher` with its `hash` and `verify` calls bounded as the header says; `id` and `needsRehash` unchanged. */
export function boundedHasher(hasher: Hasher, options: HashQueueOptions = {}): Hasher {
  const concurrency = options.concurrency ?? threadPoolSize();
  const maxQueued = options.maxQueued ?? concurrency * 16;
  let running = 0;
  const waiting: Array<() => void> = [];

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  async function bounded<T>(work: () => Promise<T>): Promise<T> {
    if (running < concurrency) running++;
    else if (waiting.length >= maxQueued) throw new HashingBusyError(waiting.length);
    // The slot of a finished call passes straight to the next waiting one (`running` unchanged).
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      release();
    }
  }

  return {
    id: hasher.id,
    hash: (password) => bounded(() => hasher.hash(password)),
    verify: (hash, password) => bounded(() => hasher.verify(hash, password)),
    needsRehash: (hash) => hasher.needsRehash(hash),
  };
}
