import { configError } from '../core/errors.js';

export interface StoreOptions {
  /**
   * Time source for expiry (ms). Default `Date.now`. `createPow({ clock })` also hands its clock
   * to the store (via `useClock`), so a fake clock in tests moves store expiry too.
   */
  clock?: () => number;
}

export function checkTtl(ttlMs: number): void {
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new TypeError(
      `pow store: ttlMs must be a positive finite number of milliseconds (got ${String(ttlMs)})`,
    );
  }
}

export function checkNamespaceKey(namespace: string, key: string): void {
  if (typeof namespace !== 'string' || namespace.length === 0)
    throw new TypeError('pow store: namespace must be a non-empty string');
  if (typeof key !== 'string') throw new TypeError('pow store: key must be a string');
}

export function serialize(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('pow store: value must be JSON-serialisable');
  return json;
}

export function checkClock(clock: unknown, key: string): () => number {
  if (clock === undefined) return Date.now;
  if (typeof clock !== 'function') throw configError(key, 'must be a function returning milliseconds');
  return clock as () => number;
}
