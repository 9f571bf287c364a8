/**
 * What "the same browser" means for the new-device mail.
 *
 * The fingerprint is a long-lived device cookie (express/security-event-meta.ts): a random id,
 * signed, HttpOnly, set at the first sign-in of a browser and kept across sign-outs. The log
 * stores only `deviceName(id)`, a keyed hash, so a database dump names no cookie. Why a cookie
 * and not the user agent: the browser and OS family (say "Chrome on Windows") is shared by a large
 * share of all visitors, so an attacker with a stolen password would look "known" to a family
 * check; a cookie names one browser profile. The price: a browser whose cookies were cleared is
 * new again (one extra mail), which is the safe side.
 *
 * The family comparison (`sameBrowserFamily`) is the fallback for events that carry no device
 * (emitted outside the Express layer, without a request): same browser name and OS name, versions
 * ignored (browsers update themselves every few weeks).
 */
import Bowser from 'bowser';
import { createHmac } from 'node:crypto';

/** The opaque name stored for a device cookie's id (never the id itself). */
export function deviceName(secret: string, userType: string, deviceId: string): string {
  return createHmac('sha256', secret)
    .update(`device:${userType}:${deviceId}`)
    .digest('base64url')
    .slice(0, 32);
}

function family(userAgent: string | null | undefined): string | null {
  if (typeof userAgent !== 'string' || userAgent.trim() === '') return null;
  const parsed = Bowser.parse(userAgent.slice(0, 512));
  if (!parsed.browser.name || !parsed.os.name) return null;
  return `${parsed.browser.name}|${parsed.os.name}`;
}

/** Same browser name and OS name (versions ignored); an unreadable agent matches nothing. */
export function sameBrowserFamily(a: string | null | undefined, b: string | null | undefined): boolean {
  const first = family(a);
  return first !== null && first === family(b);
}
