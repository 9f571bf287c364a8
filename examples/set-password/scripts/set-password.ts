/**
 * Sets a user's password and signs them out everywhere:
 *
 *   npx tsx --env-file=.env scripts/set-password.ts ada@example.com
 *
 * The password is asked for (or taken from NEW_PASSWORD), never passed as an argument, so it does
 * not end up in the shell history.
 */
import { createInterface } from 'node:readline/promises';
import { formatErrors } from 'pow';
import { prisma } from '../src/db.js';
import { pow } from '../src/pow/config.js';

const email = process.argv[2];
if (!email) throw new Error('Usage: npx tsx --env-file=.env scripts/set-password.ts <email>');

let password = process.env.NEW_PASSWORD;
if (!password) {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  password = await terminal.question(`New password for ${email}: `);
  terminal.close();
}

// #region set-password
const user = await pow.users.getBy({ email });
if (!user) throw new Error(`No user with the e-mail ${email}`);

// No current password needed; the password policy still applies (length, common passwords).
const result = await pow.users.setPassword(user, password);
if (!result.ok) throw new Error(`Password not set: ${formatErrors(result.errors)}`);

// Sessions survive setPassword: end them all, the old password may be known to someone else.
await pow.sessions.revokeAll(user.id);
// #endregion set-password
console.log(`Password set for ${email}; every session of the account has ended.`);

await prisma.$disconnect();
