/**
 * A JSON API with bearer tokens, next to the cookie-based pages:
 *
 *   POST   /api/session  {"email": "...", "password": "..."}  → 201 {"token": "...", "user": {...}}
 *   GET    /api/me       Authorization: Bearer <token>        → 200 {"user": {...}}
 *   DELETE /api/session  Authorization: Bearer <token>        → 204, the token stops working
 *
 * A token is a pow session of its own user type, "api": random, stored only as a hash, ended by
 * an idle and an absolute timeout. Clients send it in a header, never in a cookie, so another site
 * cannot make a browser use it: the API needs no CSRF token.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { createPow, type UserRecord } from 'pow';
import { prisma } from './db.js';
import { pow } from './pow/config.js';

// #region api-pow
const DAY = 24 * 60 * 60_000;

/** The same users and store as the pages, with tokens of their own. */
export const apiPow = createPow({
  prisma,
  userModel: pow.userModel,
  userType: 'api',
  userIdFields: [...pow.userIdFields],
  store: pow.store,
  secret: pow.secret,
  // A token works for 90 days, or until it goes unused for 30, and is never reissued.
  session: { absoluteMs: 90 * DAY, idleMs: 30 * DAY, renewAfterMs: Infinity },
});
// #endregion api-pow

// #region require-token
/** Lets a request through with a valid `Authorization: Bearer <token>`; 401 otherwise. */
export async function requireToken(req: Request, res: Response, next: NextFunction): Promise<void> {
  const token = /^Bearer ([\w.~+/-]+=*)$/.exec(req.get('authorization') ?? '')?.[1];
  const loaded = token ? await apiPow.sessions.load(token) : null;
  if (!token || !loaded) {
    res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'Not authenticated.' });
    return;
  }
  res.locals.apiUser = loaded.user;
  res.locals.apiToken = token;
  next();
}
// #endregion require-token

/** What the API shows of a user. */
function publicUser(user: UserRecord) {
  return { id: user.id, email: user.email };
}

// #region throttle
// Failed sign-ins per e-mail address in a 15-minute window, counted in pow's store. The pages'
// sign-in has this built in (auth.signIn); the API's checks passwords directly, so it counts here.
const FAILURES = 'api:sign-in-failures';
const MAX_FAILURES = 10;
const WINDOW_MS = 15 * 60_000;
// #endregion throttle

export const api = express.Router();
api.use(express.json());

// #region sign-in
api.post('/session', async (req: Request, res: Response) => {
  const { email, password } = (req.body ?? {}) as Record<string, unknown>;
  if (typeof email !== 'string' || typeof password !== 'string') {
    res.status(400).json({ error: 'Send {"email": "...", "password": "..."}.' });
    return;
  }
  const key = email.trim().toLowerCase();
  if (((await apiPow.store.get<number>(FAILURES, key)) ?? 0) >= MAX_FAILURES) {
    res
      .status(429)
      .set('Retry-After', String(WINDOW_MS / 1000))
      .json({ error: 'Too many failed sign-ins.' });
    return;
  }
  // Unknown e-mail and wrong password take the same time and get the same answer.
  const user = await apiPow.users.authenticate(email, password);
  if (!user) {
    await apiPow.store.increment(FAILURES, key, WINDOW_MS);
    res.status(401).json({ error: 'Invalid e-mail or password.' });
    return;
  }
  await apiPow.store.delete(FAILURES, key);
  const { token } = await apiPow.sessions.create(user, { ip: req.ip, userAgent: req.get('user-agent') });
  res.status(201).json({ token, user: publicUser(user) });
});
// #endregion sign-in

// #region routes
api.get('/me', requireToken, (_req: Request, res: Response) => {
  res.json({ user: publicUser(res.locals.apiUser as UserRecord) });
});

api.delete('/session', requireToken, async (_req: Request, res: Response) => {
  await apiPow.sessions.delete(res.locals.apiToken as string);
  res.status(204).end();
});
// #endregion routes
