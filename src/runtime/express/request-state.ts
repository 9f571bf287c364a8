/**
 * What pow knows about one request, per user type (`RequestState`), and where that state is kept
 * for the rest of the request (the memo on `res.locals`).
 */
import type { SessionRecord, UserRecord } from '../core/types.js';
import { PowError } from '../../shared/pow-error.js';
import type { TranslateParams } from '../i18n/index.js';
import type { Request, Response } from './types.js';
import type { RequestContextImpl } from './request-context.js';

export type FlashKind = 'info' | 'error';
export interface FlashEntry {
  k: string;
  p?: TranslateParams;
}
export type FlashData = Partial<Record<FlashKind, FlashEntry>>;

/** What the anonymous cookie carries. */
export interface AnonData {
  /** CSRF secret. */
  c?: string;
  /** Flash carried over a redirect. */
  f?: FlashData;
}

export type CookieState = 'none' | 'valid' | 'invalid' | 'stale';

/** @internal Per request, per user type. */
export class RequestState {
  token: string | null = null;
  session: SessionRecord | null = null;
  user: UserRecord | null = null;
  cookie: CookieState = 'none';
  /** A well-signed token whose session is gone (expired, signed out elsewhere). */
  staleToken: string | null = null;
  #anon: AnonData | null = null;
  /**
   * A signed-in request's anonymous cookie, not yet verified: it only matters when something
   * reads `anon` (the flash of a sign-in's redirect), so its HMAC and JSON are left until then
   * (issue 18: they were a fifth of pow's work on a signed-in GET). See state-cookies.ts.
   */
  pendingAnon: string | undefined = undefined;
  /** Verifies and decodes `pendingAnon` into this state (set with it). */
  anonReader: ((state: RequestState, raw: string) => void) | null = null;
  anonCookiePresent = false;
  anonCookieInvalid = false;
  sessionDirty = false;
  anonDirty = false;
  /**
   * The session was created by this request (a sign-in): its record was just written, so the
   * flash of the redirect rides in the signed anonymous cookie instead of a second write.
   */
  sessionCreated = false;
  outgoing: FlashData | null = null;
  /** Incoming flash, once read (null: there was none). */
  incoming: FlashData | null | undefined = undefined;
  locale: string | undefined = undefined;
  csrfToken: string | undefined = undefined;
  /** The synchronizer token of this unsafe request was checked (pow's own routes). */
  tokenVerified = false;
  hooked = false;
  /** Set once the session and user are known (stateOf() returns only ready states). */
  ready = false;
  /** While the core answers: the promise of this state. */
  loading: Promise<RequestState> | null = null;
  ctx!: RequestContextImpl;

  /** What the anonymous cookie carries (read on first use when it was deferred). */
  get anon(): AnonData | null {
    const raw = this.pendingAnon;
    if (raw !== undefined) {
      this.pendingAnon = undefined;
      this.anonReader!(this, raw);
    }
    return this.#anon;
  }

  set anon(value: AnonData | null) {
    this.pendingAnon = undefined;
    this.#anon = value;
  }

  constructor(
    readonly req: Request,
    readonly res: Response,
  ) {}
}

export function encodeAnon(data: AnonData): string {
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

export function decodeAnon(value: string): AnonData | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    const data = parsed as AnonData;
    if (data.c !== undefined && typeof data.c !== 'string') return null;
    return data;
  } catch {
    return null;
  }
}

type Memo = Record<symbol, RequestState | undefined>;

/** Reading the memoised state of one user type. */
export interface StateMemo {
  /** Where a request's state is memoised (see `createStateMemo`). */
  holder(req: Request): Memo;
  /** The memoised state, loaded or still loading. */
  memoOf(req: Request): RequestState | undefined;
  /** The loaded state, or undefined before (or without) this user type's middleware. */
  stateOf(req: Request): RequestState | undefined;
  /** The loaded state; throws POW_MIDDLEWARE_MISSING for `what` without one. */
  requireState(req: Request, what: string): RequestState;
  middlewareMissing(what: string): PowError;
}

/**
 * The memo lives on `res.locals` (a dictionary object, so the key costs no shape change, see
 * request-accessors.ts), or on `req` outside Express.
 */
export function createStateMemo(userType: string, stateKey: symbol): StateMemo {
  const holder = (req: Request): Memo => (req.res?.locals as Memo | undefined) ?? (req as unknown as Memo);
  const memoOf = (req: Request): RequestState | undefined => holder(req)[stateKey];
  const stateOf = (req: Request): RequestState | undefined => {
    const memo = memoOf(req);
    return memo?.ready ? memo : undefined;
  };
  const middlewareMissing = (what: string) =>
    new PowError({
      code: 'POW_MIDDLEWARE_MISSING',
      message: `pow: ${what} needs auth.middleware() (user type "${userType}") to run earlier for this request.`,
      fix: 'Mount auth.middleware() before the routes that use it: app.use(auth.middleware()).',
    });
  const requireState = (req: Request, what: string): RequestState => {
    const state = stateOf(req);
    if (!state) throw middlewareMissing(what);
    return state;
  };
  return { holder, memoOf, stateOf, requireState, middlewareMissing };
}
