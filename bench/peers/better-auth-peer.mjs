// The peer project for the generation benchmark: pow's own fixture (Express 5, TypeScript, ESM,
// Prisma 7 on SQLite) with Better Auth set up by hand the way its docs say before one runs
// `auth generate`: the dependency, src/auth.ts (Prisma adapter, email + password) and the handler
// mounted in src/app.ts. Built from the fixture at run time, so the two stay equivalent; kept as
// strings here (not .ts files) so the repo's type-check does not pick them up.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const AUTH_TS = `import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { prisma } from './db.js';

export const auth = betterAuth({
  baseURL: process.env.BETTER_AUTH_URL ?? 'http://localhost:3000',
  database: prismaAdapter(prisma, { provider: 'sqlite' }),
  emailAndPassword: { enabled: true },
});
`;

const MOUNT = `// Better Auth's handler goes before the body parsers (its Express guide).
app.all('/api/auth/*splat', toNodeHandler(auth));

`;

/** Copies the fixture to `dir` and applies Better Auth's manual set-up. */
export function writeBetterAuthPeer(fixtureDir, dir, betterAuthVersion) {
  cpSync(fixtureDir, dir, { recursive: true });

  const pkgPath = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
  pkg.name = 'bench-peer-better-auth';
  pkg.dependencies = Object.fromEntries(
    Object.entries({ ...pkg.dependencies, 'better-auth': betterAuthVersion }).sort(),
  );
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

  writeFileSync(join(dir, 'src/auth.ts'), AUTH_TS);

  const appPath = join(dir, 'src/app.ts');
  let app = readFileSync(appPath, 'utf8');
  if (!app.includes('app.use(') || !app.includes("import express from 'express';"))
    throw new Error('fixture src/app.ts changed: update bench/peers/better-auth-peer.mjs');
  app = app.replace(
    "import express from 'express';",
    "import express from 'express';\nimport { toNodeHandler } from 'better-auth/node';\nimport { auth } from './auth.js';",
  );
  const at = app.indexOf('app.use(');
  app = app.slice(0, at) + MOUNT + app.slice(at);
  writeFileSync(appPath, app);
}
