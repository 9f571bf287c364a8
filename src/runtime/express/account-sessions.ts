/**
 * The Express side of the `sessions` extension: the signed-in user's list of sessions and
 * remember-me tokens, and "sign that browser out" / "sign out everywhere else" for the owned
 * sessions page (the logic is in extensions/sessions.ts).
 *
 * Every method acts on the user of the request's own session only: an id of someone else's
 * session is not found, the same as an unknown one. The current session is never revoked here
 * (signing out is the sign-out button's job), and "everywhere else" keeps this browser's own
 * remember-me token.
 */
import { PowError } from '../../shared/pow-error.js';
import type { Pow, SessionRecord, UserRecord } from '../core/types.js';
import { hashToken } from '../extensions/tokens.js';
import {
  describeUserAgent,
  listDevices,
  revokeDeviceSession,
  revokeOtherDevices,
  revokeRememberedDevice,
  type DeviceList,
} from '../extensions/sessions.js';
import type { Request } from './types.js';

/** The browser of a listed session or remember-me token, in plain words for the log ("Firefox 128 on Linux"). */
function deviceWords(
  device: { browser: string | null; os: string | null } | undefined,
): Record<string, string> {
  if (!device) return {};
  const words = [device.browser, device.os].filter((part): part is string => part !== null).join(', ');
  return words === '' ? {} : { device: words };
}

/** What the sessions API needs from `powExpress` and its extension layer. */
export interface AccountSessionsHost {
  readonly pow: Pow;
  currentUser(req: Request): UserRecord | null;
  /** The request's live session and its token, or null when signed out. */
  currentSession(req: Request): { token: string; session: SessionRecord } | null;
  /** The raw remember-me token of the request's cookie (undefined: none; null: forged). */
  rememberToken(req: Request): string | null | undefined;
  notAuthenticated(): Error;
  /** Emits an account event with the request's address and agent (express/security-log.ts). */
  emit(
    req: Request,
    name: 'session-revoked',
    userId: string | number,
    detail?: Record<string, string>,
  ): Promise<void>;
}

export interface AccountSessionsApi {
  listSessions(req: Request): Promise<DeviceList>;
  revokeSession(req: Request, sessionId: unknown): Promise<boolean>;
  revokeRememberedDevice(req: Request, deviceId: unknown): Promise<boolean>;
  revokeOtherSessions(req: Request): Promise<void>;
}

export function createAccountSessionsApi(host: AccountSessionsHost): AccountSessionsApi {
  const { pow } = host;
  /** The signed-in user and their session; throws when the extension is off or nobody is signed in. */
  const signedIn = (req: Request): { user: UserRecord; token: string; session: SessionRecord } => {
    if (!pow.extensions.includes('sessions')) {
      throw new PowError({
        code: 'POW_EXTENSION_DISABLED',
        message: `The sessions extension is not enabled for user type "${pow.userType}".`,
        fix: "Add 'sessions' to `extensions` in createPow({...}) (pow install --extension sessions).",
      });
    }
    const user = host.currentUser(req);
    const current = host.currentSession(req);
    if (!user || !current) throw host.notAuthenticated();
    return { user, ...current };
  };
  const rememberHash = (req: Request): string | null => {
    const token = host.rememberToken(req);
    return typeof token === 'string' ? hashToken(token) : null;
  };

  return {
    async listSessions(req) {
      const { user, session } = signedIn(req);
      return listDevices(pow, user.id, { sessionId: session.id, rememberHash: rememberHash(req) });
    },

    async revokeSession(req, sessionId) {
      const { user, session } = signedIn(req);
      if (sessionId === session.id) return false;
      // Named before it goes, for the log (browser and OS only).
      const revoked = (await pow.sessions.list(user.id)).find((live) => live.id === sessionId);
      const done = await revokeDeviceSession(pow, user.id, sessionId);
      if (done) {
        await host.emit(req, 'session-revoked', user.id, {
          kind: 'session',
          ...deviceWords(revoked ? describeUserAgent(revoked.userAgent) : undefined),
        });
      }
      return done;
    },

    async revokeRememberedDevice(req, deviceId) {
      const { user } = signedIn(req);
      const done = await revokeRememberedDevice(pow, user.id, deviceId);
      if (done) await host.emit(req, 'session-revoked', user.id, { kind: 'remembered-browser' });
      return done;
    },

    async revokeOtherSessions(req) {
      const { user, token } = signedIn(req);
      const own = host.rememberToken(req);
      await revokeOtherDevices(pow, user.id, token, typeof own === 'string' ? own : undefined);
      await host.emit(req, 'session-revoked', user.id, { kind: 'all-others' });
    },
  };
}
