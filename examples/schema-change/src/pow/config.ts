/**
 * pow configuration for users: how people sign in, where sessions live, which
 * extensions run. This file is yours to edit; pow does not overwrite it.
 */
import { createPow, prismaStore } from 'pow';
import { powExpress } from 'pow/express';
import { prisma } from '../db.js';

const secret = process.env.POW_SECRET;
if (!secret) {
  throw new Error(
    'POW_SECRET is not set: pow signs cookies and tokens with it. Set it to a random string of at ' +
      'least 32 characters in the environment (or .env), e.g. the output of ' +
      `node -p "require('node:crypto').randomBytes(48).toString('base64url')"`,
  );
}

export const pow = createPow({
  prisma,
  userModel: 'User',
  userType: 'user',
  // People sign in with any of these fields, typed into one box.
  userIdFields: ['email'],
  // #region user-fields
  // Other columns registration and the account page may write (an allow-list).
  userFields: ['name'],
  // #endregion user-fields
  // Sessions, tokens and throttle counters live in the PowSession table.
  store: prismaStore(prisma),
  secret,
  extensions: [],
});

export const auth = powExpress(pow, {
  currentUserKey: 'currentUser',
  // The session cookie is "pow_user" ("__Host-pow_user" with Secure cookies in production); set
  // cookieName only to rename it.
  mountPath: '',
  // Origin for links in e-mails, e.g. https://example.com (never taken from the Host header).
  baseUrl: process.env.POW_BASE_URL,
});
