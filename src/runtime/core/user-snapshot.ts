/**
 * The copy of the user a session record carries, so that a signed-in request needs no database
 * read of the user (sessions.ts says when it is re-read). A snapshot is JSON in the store; it is
 * made only of a record whose values survive that trip exactly: strings, finite numbers,
 * booleans, null and Dates (kept as ISO text and revived). A record with anything else (BigInt,
 * Decimal, bytes, JSON columns, relations) gets no snapshot, and its user is re-read on every
 * request as before.
 */
import type { UserRecord } from './types.js';

export interface UserSnapshot {
  /** The record, Dates as ISO text. */
  v: Record<string, unknown>;
  /** The fields that were Dates. */
  d?: string[];
}

export function snapshotOf(user: UserRecord): UserSnapshot | null {
  const v: Record<string, unknown> = {};
  let d: string[] | undefined;
  for (const key of Object.keys(user)) {
    const value = user[key];
    if (value === null || typeof value === 'string' || typeof value === 'boolean') v[key] = value;
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return null;
      v[key] = value;
    } else if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) return null;
      v[key] = value.toISOString();
      (d ??= []).push(key);
    } else if (value !== undefined) return null;
  }
  return d ? { v, d } : { v };
}

/** The record a snapshot was made of (a fresh object), or null for anything that is not one. */
export function userOf(snapshot: unknown): UserRecord | null {
  if (!snapshot || typeof snapshot !== 'object') return null;
  const { v, d } = snapshot as UserSnapshot;
  if (!v || typeof v !== 'object') return null;
  const id = v.id;
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  const user = { ...v } as UserRecord;
  if (Array.isArray(d))
    for (const key of d) if (typeof user[key] === 'string') user[key] = new Date(user[key]);
  return user;
}
