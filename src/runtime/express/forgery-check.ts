/**
 * pow's CSRF and forgery checks, wired to the request state (the rule itself is forgery.ts, the
 * tokens csrf.ts). For state-changing methods: on pow's own routes pow reads an urlencoded body if
 * nothing parsed it yet, applies the `_method` override of POST forms and requires the CSRF token
 * (403 when missing or wrong); on the app's routes it leaves requests without pow's authority
 * untouched, and checks the others by token or by the browser's `Sec-Fetch-Site` / `Origin`.
 *
 * The CSRF secret of a signed-in user is in the session data; of a visitor, in the anonymous
 * cookie, created the first time a page asks for `pow.csrfToken`.
 */
import { readCookie } from './cookies.js';
import { BodyError, readUrlencodedBody } from './body.js';
import {
  createCsrfSecret,
  createCsrfToken,
  crossSiteRequest,
  presentedCsrfToken,
  verifyCsrfToken,
} from './csrf.js';
import { appRouteRequestAllowed, requestPathOf } from './forgery.js';
import type { Hook } from './commit.js';
import type { RequestState } from './request-state.js';
import type { Responses } from './responses.js';
import type { ExpressSettings } from './settings.js';
import { otherCores, type Core } from './user-types.js';
import type { NextFunction, Request, Response } from './types.js';

/** The CSRF secret of this request's session or anonymous cookie, if it has one yet. */
export function csrfSecretOf(state: RequestState): string | undefined {
  if (state.session) {
    const secret = state.session.data.csrf;
    return typeof secret === 'string' ? secret : undefined;
  }
  return state.anon?.c;
}

/** `pow.csrfToken`: a token for this request's secret, made (and saved before the response) on first use. */
export function createCsrfTokenOf(hook: Hook): (state: RequestState) => string {
  return (state) => {
    if (state.csrfToken) return state.csrfToken;
    let secret = csrfSecretOf(state);
    if (!secret) {
      secret = createCsrfSecret();
      if (state.session) {
        state.session.data.csrf = secret;
        state.sessionDirty = true;
      } else {
        state.anon ??= {};
        state.anon.c = secret;
        state.anonDirty = true;
      }
      hook(state);
    }
    state.csrfToken = createCsrfToken(secret);
    return state.csrfToken;
  };
}

export interface ForgeryCheck {
  /** A state-changing request passed the middleware: next(), or refused / answered. */
  checkStateChangingRequest(
    state: RequestState,
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void>;
  /** Reads an urlencoded body nothing parsed yet; false when the request was answered (413 ...). */
  readFormBody(req: Request, res: Response): Promise<boolean>;
  /** pow's own routes: the synchronizer token, signed in or not (login CSRF included). */
  requireCsrfToken(
    state: RequestState,
    req: Request,
    res: Response,
    next: NextFunction,
    path: string,
  ): Promise<void>;
}

export interface ForgeryCheckDeps {
  /** This user type, as other user types' middleware sees it. */
  readonly core: Core;
  readonly refuse: Responses['refuse'];
  /** The origin of the base URL, if one is set. */
  allowedOrigin(): string | undefined;
  /** persistent-session: a sign-out forgets "keep me logged in". */
  beforeSignOut(req: Request, res: Response): Promise<void>;
}

/**
 * True when no parser has read the body: `req.body` unset, or the empty object that Express 4's
 * body-parser (1.x) puts on every request it does not parse (`express.json()` before pow's
 * middleware leaves `{}` on a form post, with the stream still unread; `_body` marks a parse).
 */
function unreadBody(req: Request, body: unknown): boolean {
  if (body === undefined) return true;
  return (
    typeof body === 'object' &&
    body !== null &&
    Object.getPrototypeOf(body) === Object.prototype &&
    Object.keys(body).length === 0 &&
    req.readable &&
    !req.readableEnded
  );
}

/** `_method` of a POST form (HTML forms have no PATCH or DELETE): on pow's routes only. */
function applyMethodOverride(req: Request): void {
  if (req.method !== 'POST') return;
  const override = (req as Request & { body?: Record<string, unknown> }).body?._method;
  if (typeof override !== 'string') return;
  const upper = override.toUpperCase();
  if (upper === 'DELETE' || upper === 'PATCH' || upper === 'PUT') {
    (req as Request & { originalMethod?: string }).originalMethod ??= req.method;
    req.method = upper;
  }
}

export function createForgeryCheck(settings: ExpressSettings, deps: ForgeryCheckDeps): ForgeryCheck {
  const { ownRoutes, bodyLimit, routes } = settings;
  const { core, refuse, allowedOrigin } = deps;

  async function verifyWithOtherUserTypes(
    req: Request,
    res: Response,
    token: string | undefined,
  ): Promise<boolean> {
    if (!token) return false;
    const header = req.headers.cookie;
    for (const other of otherCores(req.app, core)) {
      if (
        readCookie(header, other.cookieName) === undefined &&
        readCookie(header, other.anonCookieName) === undefined
      )
        continue;
      const otherState = await other.loadState(req, res);
      if (verifyCsrfToken(other.csrfSecretOf(otherState), token)) return true;
    }
    return false;
  }

  async function presentsValidToken(state: RequestState, req: Request, res: Response): Promise<boolean> {
    const token = presentedCsrfToken(req);
    return verifyCsrfToken(csrfSecretOf(state), token) || (await verifyWithOtherUserTypes(req, res, token));
  }

  async function readFormBody(req: Request, res: Response): Promise<boolean> {
    const bodyHolder = req as Request & { body?: unknown; _body?: boolean };
    if (bodyHolder._body || !unreadBody(req, bodyHolder.body)) return true;
    try {
      const body = await readUrlencodedBody(req, bodyLimit);
      if (body !== undefined) {
        bodyHolder.body = body;
        bodyHolder._body = true;
      }
      return true;
    } catch (error) {
      if (error instanceof BodyError) {
        res.status(error.status).type('text/plain').send(error.message);
        return false;
      }
      throw error;
    }
  }

  async function requireCsrfToken(
    state: RequestState,
    req: Request,
    res: Response,
    next: NextFunction,
    path: string,
  ): Promise<void> {
    if (crossSiteRequest(req, allowedOrigin())) {
      refuse('invalid_csrf', req, res, next);
      return;
    }
    if (await presentsValidToken(state, req, res)) {
      state.tokenVerified = true;
      next();
      return;
    }
    // No valid token. With a session that ended (its secret went with it), or a sign-out of a
    // visitor who has no session at all, nothing can be forged: send them to sign in instead
    // of showing an error (sign-out after expiry is a redirect, never an error).
    // The sign-out path is read here, not once at start-up: `auth.readPages` may move it.
    const signOut = req.method === 'DELETE' && path === routes.path('session.delete');
    const expired = state.cookie === 'stale' || (!state.user && signOut);
    // A sign-out whose session already ended still forgets "keep me logged in" (SameSite=Lax keeps
    // the remember-me cookie off cross-site posts, and the origin check above has passed).
    if (expired && signOut) await deps.beforeSignOut(req, res);
    refuse(expired ? 'session_expired' : 'invalid_csrf', req, res, next);
  }

  async function checkStateChangingRequest(
    state: RequestState,
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void> {
    const path = requestPathOf(req);
    const ownRoute = ownRoutes.owns(path);
    // One of the app's routes, and pow grants this request no user: nothing of pow's to forge,
    // so pow neither reads its body nor checks it (the app's routes answer as before pow).
    if (!ownRoute && state.user === null) {
      next();
      return;
    }
    // pow reads (and so consumes) only bodies sent to pow's routes, of any user type of the app:
    // the app's own routes get their stream untouched (webhooks with express.raw(), own parsers).
    if (ownRoute || otherCores(req.app, core).some((other) => other.ownRoutes.owns(path))) {
      if (!(await readFormBody(req, res))) return;
      applyMethodOverride(req);
    }
    if (ownRoute) {
      await requireCsrfToken(state, req, res, next, path);
      return;
    }
    // The app's route, with pow's session: a valid token, else the browser's Fetch Metadata or
    // Origin, else the body type decides (forgery.ts).
    if (crossSiteRequest(req, allowedOrigin())) refuse('invalid_csrf', req, res, next);
    else if (await presentsValidToken(state, req, res)) next();
    else if (appRouteRequestAllowed(req, allowedOrigin())) next();
    else refuse('invalid_csrf', req, res, next);
  }

  return { checkStateChangingRequest, readFormBody, requireCsrfToken };
}
