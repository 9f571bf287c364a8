/**
 * pow configuration for users: how people sign in, where sessions live, which
 * extensions run. This file is yours to edit; pow does not overwrite it.
 */
import { createPow, fromEnv, redisStore } from 'pow';
import { powExpress } from 'pow/express';
import { prisma } from '../db.js';

// Settings from the environment are given as fromEnv(...): pow reads them when the app mounts it
// (auth.middleware()), not when this file is imported, so a .env the app's entry loads counts, and a
// missing variable stops the app at start-up with a message that names it.
export const pow = createPow({
  prisma,
  userModel: 'User',
  userType: 'user',
  // People sign in with any of these fields, typed into one box.
  userIdFields: ['email'],
  // #region store
  // Sessions, tokens and throttle counters live in Redis, under keys that start with "myapp:".
  store: redisStore(fromEnv('REDIS_URL'), { prefix: 'myapp' }),
  // #endregion store
  // pow signs cookies and tokens with it: 32+ random characters.
  secret: fromEnv('POW_SECRET'),
  extensions: [],
});

export const auth = powExpress(pow, {
  currentUserKey: 'currentUser',
  // The session cookie is "pow_user" ("__Host-pow_user" with Secure cookies in production); set
  // cookieName only to rename it.
  mountPath: '',
  // Origin for links in e-mails, e.g. https://example.com (never taken from the Host header).
  baseUrl: fromEnv('POW_BASE_URL'),
});
