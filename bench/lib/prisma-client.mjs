// Generates the Prisma client the benchmark servers share: the models `pow install` adds to the
// fixture (User with email and timestamps, UserCredential with the hash; PowSession as `pow_sessions`), one client
// per provider; DDL is what its migration runs (checked against `pow install`'s migration.sql).
// Prisma 7's `prisma-client` generator writes TypeScript; its imports already end in `.js`, so
// erasing the types with ts-blank-space (a pow dependency) gives plain ESM that Node 20 runs
// without a loader. Cached under bench/.tmp/ by a hash of the schema and Prisma's version.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { BENCH_TMP, REPO } from './paths.mjs';

const require = createRequire(import.meta.url);

export const SCHEMA_MODELS = `
model User {
  id         Int             @id @default(autoincrement())
  email      String          @unique
  credential UserCredential?
  createdAt  DateTime        @default(now())
  updatedAt  DateTime        @updatedAt
}

model UserCredential {
  userId       Int      @id
  passwordHash String
  updatedAt    DateTime @updatedAt
  user         User     @relation(fields: [userId], references: [id], onDelete: Cascade)
}

model PowSession {
  namespace String
  key       String
  value     String
  expiresAt DateTime

  @@id([namespace, key])
  @@index([expiresAt])
  @@map("pow_sessions")
}
`;

/** The DDL Prisma's migration would run for SCHEMA_MODELS (the benchmark cannot run `prisma migrate` here). */
export const DDL = {
  sqlite: [
    'CREATE TABLE "User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "email" TEXT NOT NULL, "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" DATETIME NOT NULL)',
    'CREATE TABLE "UserCredential" ("userId" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "passwordHash" TEXT NOT NULL, "updatedAt" DATETIME NOT NULL, CONSTRAINT "UserCredential_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE)',
    'CREATE UNIQUE INDEX "User_email_key" ON "User"("email")',
    'CREATE TABLE "pow_sessions" ("namespace" TEXT NOT NULL, "key" TEXT NOT NULL, "value" TEXT NOT NULL, "expiresAt" DATETIME NOT NULL, PRIMARY KEY ("namespace", "key"))',
    'CREATE INDEX "pow_sessions_expiresAt_idx" ON "pow_sessions"("expiresAt")',
  ],
  postgresql: [
    'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"))',
    'CREATE TABLE "UserCredential" ("userId" INTEGER NOT NULL, "passwordHash" TEXT NOT NULL, "updatedAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "UserCredential_pkey" PRIMARY KEY ("userId"))',
    'CREATE UNIQUE INDEX "User_email_key" ON "User"("email")',
    'ALTER TABLE "UserCredential" ADD CONSTRAINT "UserCredential_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    'CREATE TABLE "pow_sessions" ("namespace" TEXT NOT NULL, "key" TEXT NOT NULL, "value" TEXT NOT NULL, "expiresAt" TIMESTAMP(3) NOT NULL, CONSTRAINT "pow_sessions_pkey" PRIMARY KEY ("namespace", "key"))',
    'CREATE INDEX "pow_sessions_expiresAt_idx" ON "pow_sessions"("expiresAt")',
  ],
};

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/**
 * Ensures the generated client for `provider` ("sqlite" | "postgresql") and returns the absolute
 * path of its `client.js`.
 */
export async function ensurePrismaClient(provider) {
  const prismaVersion = require(join(REPO, 'node_modules/prisma/package.json')).version;
  const schema = `generator client {\n  provider = "prisma-client"\n  output   = "./client"\n}\n\ndatasource db {\n  provider = "${provider}"\n}\n${SCHEMA_MODELS}`;
  const hash = createHash('sha256').update(schema).update(prismaVersion).digest('hex').slice(0, 12);
  const dir = join(BENCH_TMP, 'prisma', `${provider}-${hash}`);
  const clientJs = join(dir, 'client', 'client.js');
  if (existsSync(join(dir, 'done'))) return clientJs;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.prisma'), schema);
  // `prisma generate` needs no schema engine, but without PRISMA_SCHEMA_ENGINE_BINARY naming an
  // existing file it first tries to download one (no internet here). Any file will do.
  const fakeEngine = join(dir, 'no-schema-engine');
  writeFileSync(fakeEngine, '');
  const r = spawnSync(
    process.execPath,
    [join(REPO, 'node_modules/prisma/build/index.js'), 'generate', '--schema', 'schema.prisma'],
    {
      cwd: dir,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: fakeEngine,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`prisma generate (${provider}) failed:\n${r.stdout}\n${r.stderr}`);

  const { default: tsBlankSpace } = await import('ts-blank-space');
  for (const file of walk(join(dir, 'client'))) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    writeFileSync(file.replace(/\.ts$/, '.js'), tsBlankSpace(readFileSync(file, 'utf8')));
  }
  writeFileSync(join(dir, 'done'), new Date().toISOString());
  return clientJs;
}
