/**
 * The cookies of one user type: the session cookie (the signed token) and the anonymous cookie
 * (`<cookieName>_anon`, signed, holding only the CSRF secret and pending flash keys of a visitor
 * without a session).
 */
import { readCookie, serializeCookie, setCookieHeader } from './cookies.js';
import { decodeAnon, encodeAnon, type FlashData, type RequestState } from './request-state.js';
import type { ExpressSettings } from './settings.js';
import type { Response } from './types.js';

export interface StateCookies {
  setSessionCookie(res: Response, token: string): void;
  clearCookie(res: Response, name: string): void;
  /** Reads a visitor's anonymous cookie into `state` (an invalid one is marked for clearing). */
  readAnonCookie(state: RequestState): void;
  /** Writes `state.anon`, or clears the cookie when there is nothing left to carry. */
  writeAnonCookie(state: RequestState): void;
}

export function createStateCookies(settings: ExpressSettings): StateCookies {
  const { anonSigner } = settings;

  const clearCookie = (res: Response, name: string) =>
    setCookieHeader(res, name, serializeCookie(name, '', { ...settings.cookieAttributes, maxAge: 0 }));

  return {
    setSessionCookie: (res, token) =>
      setCookieHeader(
        res,
        settings.cookieName,
        serializeCookie(settings.cookieName, token, settings.cookieAttributes),
      ),

    clearCookie,

    readAnonCookie(state) {
      const rawAnon = readCookie(state.req.headers.cookie, settings.anonCookieName);
      if (rawAnon === undefined) return;
      state.anonCookiePresent = true;
      const value = anonSigner.unsign(rawAnon);
      const decoded = value === null ? null : decodeAnon(value);
      if (decoded) state.anon = decoded;
      else state.anonCookieInvalid = true;
    },

    writeAnonCookie(state) {
      const anon = state.anon;
      if (!anon || (!anon.c && !anon.f)) {
        if (state.anonCookiePresent) clearCookie(state.res, settings.anonCookieName);
        return;
      }
      let value = anonSigner.sign(encodeAnon(anon));
      if (value.length > 3800 && anon.f) {
        // Keep the cookie small: drop flash params (the text falls back to its placeholders).
        const f: FlashData = {};
        for (const kind of ['info', 'error'] as const) if (anon.f[kind]) f[kind] = { k: anon.f[kind]!.k };
        value = anonSigner.sign(encodeAnon({ ...anon, f }));
      }
      setCookieHeader(
        state.res,
        settings.anonCookieName,
        serializeCookie(settings.anonCookieName, value, settings.cookieAttributes),
      );
    },
  };
}
