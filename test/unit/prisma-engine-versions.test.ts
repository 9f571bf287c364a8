/**
 * pow's schema engine is @prisma/schema-engine-wasm 7.10.0-7 (561d7b42): the build matching
 * prisma 7.10.1's engine (8.1.0-1.d1b3f377) is not published on npm. prisma 7.10.1 ships that
 * engine's .wasm in its own package (build/schema_engine_bg.wasm) with the same wasm-bindgen
 * interface. This test diffs pow's schema changes with both builds (the second in a child process,
 * via POW_SCHEMA_ENGINE_WASM) and requires identical SQL: what pow writes is what the installed
 * Prisma CLI's engine writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureAuthSchema, type AuthSchemaOptions } from '../../src/prisma/ensure-auth-schema.js';
import { diffSchemas, schemaEngineVersion } from '../../src/prisma/schema-engine.js';
import type { PrismaProvider } from '../../src/inspect/project-info.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PRISMA_WASM = join(ROOT, 'node_modules/prisma/build/schema_engine_bg.wasm');

const ds = (p: string) => `datasource db {\n  provider = "${p}"\n}\n`;
const existing = `\nmodel User {\n  id        String   @id @default(uuid())\n  name      String?\n  createdAt DateTime @default(now())\n\n  @@map("app_users")\n}\n`;

function scenarios() {
  const out: { provider: PrismaProvider; before: Record<string, string>; after: Record<string, string> }[] =
    [];
  const add = (
    provider: PrismaProvider,
    base: string,
    options: AuthSchemaOptions,
    then?: AuthSchemaOptions,
  ) => {
    const before = { 'schema.prisma': base };
    const first = { ...before, ...ensureAuthSchema({ files: before, provider, options }).files };
    out.push({ provider, before, after: first });
    if (then)
      out.push({
        provider,
        before: first,
        after: { ...first, ...ensureAuthSchema({ files: first, provider, options: then }).files },
      });
  };
  for (const p of ['sqlite', 'postgresql'] as const) {
    add(
      p,
      ds(p),
      { sessionStore: 'prisma', tableName: 'users' },
      { sessionStore: 'prisma', tableName: 'users', extensions: ['email-confirmation', 'invitation'] },
    );
    add(p, ds(p) + existing, {
      sessionStore: 'prisma',
      extensions: ['invitation'],
      userIdFields: ['email', 'username'],
    });
  }
  return out;
}

async function outputs(): Promise<string[]> {
  const results: string[] = [];
  for (const s of scenarios()) results.push(await diffSchemas(s.provider, s.before, s.after));
  return results;
}

if (process.env.POW_ENGINE_COMPARE_CHILD === '1') {
  process.stdout.write(JSON.stringify({ version: await schemaEngineVersion(), outputs: await outputs() }));
} else {
  test(
    "pow's engine and the engine inside the installed prisma CLI write the same SQL",
    { skip: existsSync(PRISMA_WASM) ? false : 'node_modules/prisma/build/schema_engine_bg.wasm not found' },
    async () => {
      const mine = await outputs();
      const { stdout } = await run(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        cwd: ROOT,
        env: { ...process.env, POW_ENGINE_COMPARE_CHILD: '1', POW_SCHEMA_ENGINE_WASM: PRISMA_WASM },
        maxBuffer: 10 * 1024 * 1024,
      });
      const theirs = JSON.parse(stdout) as { version: string; outputs: string[] };
      assert.notEqual(theirs.version, await schemaEngineVersion(), 'the child must run the other build');
      assert.deepEqual(theirs.outputs, mine);
      assert.ok(mine.every((sql) => sql.includes('-- ')));
    },
  );
}
