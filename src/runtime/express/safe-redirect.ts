/**
 * Open-redirect guard for `request_path` (security bar G5): only a same-origin relative path is
 * accepted. `//evil.test`, `/\evil.test`, `https://evil.test`, `javascript:...`, and paths with
 * control characters or whitespace (which browsers strip, turning `/\t/evil.test` into
 * `//evil.test`) are refused.
 */
const MAX_LENGTH = 2048;
const BASE = 'http://pow.invalid';

export function isSafeRedirectPath(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return false;
  if (value.charCodeAt(0) !== 47 /* / */) return false;
  const second = value.charCodeAt(1);
  if (second === 47 /* / */ || second === 92 /* \ */) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // Control characters, space, backslash, DEL.
    if (code <= 32 || code === 92 || code === 127) return false;
  }
  try {
    const url = new URL(value, BASE);
    return url.origin === BASE;
  } catch {
    return false;
  }
}

/** `value` when it is a safe relative path, else `fallback`. */
export function safeRedirectPath(value: unknown, fallback: string): string {
  return isSafeRedirectPath(value) ? value : fallback;
}
