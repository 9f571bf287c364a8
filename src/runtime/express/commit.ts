/**
 * Writes of a request's session data (flash, CSRF secret) happen before the response is sent: the
 * `res.end` of a request that changed something waits for the store, so the redirected request
 * sees them.
 */
import type { Pow } from '../core/types.js';
import type { RequestState } from './request-state.js';
import type { StateCookies } from './state-cookies.js';
import type { PowExpressOptions, Request, Response } from './types.js';

/** Makes the response wait for the commit of `state` before it is sent (once per request). */
export type Hook = (state: RequestState) => void;

export function createCommitHook(
  pow: Pow,
  options: PowExpressOptions,
  cookies: Pick<StateCookies, 'writeAnonCookie'>,
): Hook {
  const commitError = (error: unknown, req: Request) => {
    if (options.onCommitError) options.onCommitError(error, req);
    else console.error('pow: could not save session data', error);
  };

  async function commit(state: RequestState): Promise<void> {
    const res = state.res;
    const redirect = res.statusCode >= 300 && res.statusCode < 400;
    if (state.outgoing && redirect) {
      // A session created by this request was written a moment ago (with its CSRF secret): its
      // flash goes in the signed anonymous cookie, so a sign-in writes its record once (issue 18).
      if (state.session && !state.sessionCreated) {
        state.session.data.flash = state.outgoing;
        state.sessionDirty = true;
      } else {
        state.anon ??= {};
        state.anon.f = state.outgoing;
        state.anonDirty = true;
      }
    }
    if (state.session && state.token && state.sessionDirty) {
      state.sessionDirty = false;
      await pow.sessions.save(state.token, state.session);
    }
    // Signed in too: the cookie carried a sign-in's flash, read now (or set above).
    if (state.anonDirty) {
      state.anonDirty = false;
      cookies.writeAnonCookie(state);
    }
  }

  return function hook(state: RequestState): void {
    if (state.hooked) return;
    state.hooked = true;
    const res = state.res;
    const originalEnd = res.end;
    let ending = false;
    res.end = function patchedEnd(this: Response, ...args: unknown[]) {
      if (ending || res.headersSent) return (originalEnd as (...a: unknown[]) => Response).apply(res, args);
      ending = true;
      commit(state).then(
        () => (originalEnd as (...a: unknown[]) => Response).apply(res, args),
        (error: unknown) => {
          commitError(error, state.req);
          (originalEnd as (...a: unknown[]) => Response).apply(res, args);
        },
      );
      return res;
    } as Response['end'];
  };
}
