/**
 * A small urlencoded body reader, used by `auth.middleware()` when no body parser ran before it
 * (so `_csrf` and `_method` are readable without the app adding `express.urlencoded()`).
 * Flat keys only (pow's forms use plain names); a repeated key becomes an array.
 */
import type { IncomingMessage } from 'node:http';

export const DEFAULT_BODY_LIMIT = 100 * 1024;

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isUrlencoded(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (typeof type !== 'string') return false;
  const semi = type.indexOf(';');
  return (
    (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase() === 'application/x-www-form-urlencoded'
  );
}

export function parseUrlencoded(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const existing = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

/** Reads and parses the body; resolves undefined when it is not urlencoded. */
export async function readUrlencodedBody(
  req: IncomingMessage,
  limit = DEFAULT_BODY_LIMIT,
): Promise<Record<string, string | string[]> | undefined> {
  if (!isUrlencoded(req)) return undefined;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new BodyError(413, 'request entity too large');
  }
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    req.resume();
    throw new BodyError(415, `unsupported content encoding "${encoding}"`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(new BodyError(413, 'request entity too large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new BodyError(400, error.message));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
  return parseUrlencoded(Buffer.concat(chunks).toString('utf8'));
}
