/**
 * Development accounts: `npx tsx --env-file=.env prisma/seed.ts`, or `npx prisma db seed` (see
 * prisma.config.ts). Running it again leaves existing accounts alone.
 */
// #region seed
import { createUser } from 'pow';
import { prisma } from '../src/db.js';
import { pow } from '../src/pow/config.js';

// Never a password in the repository: it comes from the environment (.env).
const password = process.env.SEED_PASSWORD;
if (!password) throw new Error('Set SEED_PASSWORD (15 characters or more) to seed the accounts.');

for (const email of ['ada@example.com', 'grace@example.com']) {
  if (await pow.users.getBy({ email })) {
    console.log(`exists   ${email}`);
    continue;
  }
  // Validates, normalises and hashes like the registration form; throws listing every problem.
  await createUser(pow, { email, password });
  console.log(`created  ${email}`);
}

await prisma.$disconnect();
// #endregion seed
