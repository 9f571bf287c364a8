/**
 * The cookies of one user type: the session cookie (the signed token) and the anonymous cookie
 * (`<cookieName>_anon`, signed, holding only the CSRF secret and pending flash keys of a visitor
 * without a session, or the flash of the redirect right after a sign-in).
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
  /**
   * A signed-in request: notes whether the anonymous cookie is there, and leaves its check and
   * decoding to the first read of `state.anon` (an invalid one is then cleared, if the response
   * has not started).
   */
  deferAnonCookie(state: RequestState): void;
  /** Writes `state.anon`, or clears the cookie when there is nothing left to carry. */
  writeAnonCookie(state: RequestState): void;
}

export function createStateCookies(settings: ExpressSettings): StateCookies {
  const { anonSigner } = settings;

  const clearCookie = (res: Response, name: string) =>
    setCookieHeader(res, name, serializeCookie(name, '', { ...settings.cookieAttributes, maxAge: 0 }));

  /** Verifies (HMAC, constant time) and decodes the anonymous cookie into `state.anon`. */
  function decodeInto(state: RequestState, rawAnon: string): void {
    const value = anonSigner.unsign(rawAnon);
    const decoded = value === null ? null : decodeAnon(value);
    if (decoded) state.anon = decoded;
    else state.anonCookieInvalid = true;
  }

  /** The deferred read: the middleware has run, so an invalid cookie is cleared here. */
  function readDeferred(state: RequestState, rawAnon: string): void {
    decodeInto(state, rawAnon);
    if (state.anonCookieInvalid) {
      state.anonCookieInvalid = false;
      clearCookie(state.res, settings.anonCookieName);
    }
  }

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
      decodeInto(state, rawAnon);
    },

    deferAnonCookie(state) {
      const rawAnon = readCookie(state.req.headers.cookie, settings.anonCookieName);
      if (rawAnon === undefined) return;
      state.anonCookiePresent = true;
      state.pendingAnon = rawAnon;
      state.anonReader = readDeferred;
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
