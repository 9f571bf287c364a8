/**
 * A generated app set up once and copied for each test file that uses it: `pow install` (and any
 * further pow commands), `prisma generate` and `/dashboard` protected, on the SQLite example app
 * with its database migrated. Several test files (separate processes) that need the same app then
 * pay for one set-up instead of one each; each still gets its own copy (own files, own empty
 * database) and boots it with its own environment.
 *
 * The set-up is kept in .test-cache/prepared-apps/<key>/, where the key is a hash of everything it
 * is made from: the recipe, the fixture, pow's pack (dist/, templates/) and src/ (the CLI runs
 * in-process from src/). The first process to need it builds it while holding a lock; the others
 * wait for it. A cache of another key for the same recipe name is removed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ensureTestApps } from '../../scripts/test-apps.mjs';
import {
  e2eProject,
  POW_NOW,
  prismaGenerate,
  protectDashboard,
  TEST_POW_SECRET,
  type E2EProject,
} from './e2e-project.js';
import { FIXTURES_DIR, REPO_ROOT, runPow } from './fixtures.js';

export interface PreparedAppRecipe {
  /** Names the cache folder (one cache per name is kept). */
  name: string;
  /** pow commands run in order in a fresh copy of the SQLite example app; each must exit 0. */
  steps: string[][];
  /** What the app needs in its environment to boot (e.g. each provider's variables); a test's own env wins. */
  bootEnv?: Record<string, string>;
}

const FIXTURE = 'express5-ts-esm-sqlite';
const CACHE_DIR = join(REPO_ROOT, '.test-cache/prepared-apps');
/** A set-up takes well under a minute on a quiet machine; a lock older than this was left behind. */
const STALE_LOCK_MS = 10 * 60_000;

/** Whether the lock's holder is gone (killed mid-build) or the lock is older than any build. */
function staleLock(lock: string): boolean {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    if (pid > 0) process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    // No pid yet (just taken) or another user's process: judged by its age.
  }
  return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
}

function hashTreeInto(hash: ReturnType<typeof createHash>, dir: string): void {
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) {
        hash.update(`${relative(REPO_ROOT, child)}\0`);
        hash.update(readFileSync(child));
      }
    }
  };
  walk(dir);
}

/** The cache key: the recipe, what builds it (this file), the fixture, pow's pack and src/. */
function recipeKey(recipe: PreparedAppRecipe): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ recipe, fixture: FIXTURE, now: POW_NOW }));
  hash.update(ensureTestApps().pack.hash);
  hash.update(readFileSync(new URL(import.meta.url)));
  hashTreeInto(hash, join(FIXTURES_DIR, FIXTURE));
  hashTreeInto(hash, join(REPO_ROOT, 'src'));
  return hash.digest('hex').slice(0, 16);
}

/** Runs the recipe in a fresh copy and moves the result into `target` (atomically, by rename). */
async function build(recipe: PreparedAppRecipe, target: string): Promise<void> {
  const project = await e2eProject(FIXTURE, 'sqlite');
  try {
    for (const step of recipe.steps) {
      const result = await project.pow(step);
      assert.equal(result.code, 0, `pow ${step.join(' ')}:\n${result.stdout}${result.stderr}`);
    }
    await prismaGenerate(project);
    protectDashboard(project, 'src/app.ts', 'app');
    const staging = `${target}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(project.dir, staging, { recursive: true, verbatimSymlinks: true });
    renameSync(staging, target);
  } finally {
    await project.dispose();
  }
}

/** Builds the recipe's cache unless it exists; one process builds, the others wait. Returns its folder. */
async function ensurePrepared(recipe: PreparedAppRecipe): Promise<string> {
  const key = `${recipe.name}-${recipeKey(recipe)}`;
  const target = join(CACHE_DIR, key);
  const lock = `${target}.lock`;
  mkdirSync(CACHE_DIR, { recursive: true });
  for (;;) {
    if (existsSync(target)) return target;
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      try {
        if (staleLock(lock)) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      if (existsSync(target)) return target;
      // Older set-ups of this recipe (another build of pow) are of no further use.
      for (const name of readdirSync(CACHE_DIR)) {
        if (name.startsWith(`${recipe.name}-`) && name !== key && !name.endsWith('.lock')) {
          rmSync(join(CACHE_DIR, name), { recursive: true, force: true });
        }
      }
      await build(recipe, target);
      return target;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * A fresh copy of the prepared app (files and migrated, empty SQLite database), as an E2EProject:
 * ready to boot (`bootWithTsx`). Edits before the boot are the caller's; they must not change the
 * Prisma schema (the client is generated once, in the set-up).
 */
export async function preparedProject(recipe: PreparedAppRecipe): Promise<E2EProject> {
  const source = await ensurePrepared(recipe);
  const dir = mkdtempSync(join(tmpdir(), `pow-${recipe.name}-`));
  cpSync(source, dir, { recursive: true, verbatimSymlinks: true });
  const env = { DATABASE_URL: 'file:./dev.db', POW_SECRET: TEST_POW_SECRET, POW_NOW };
  const cleanup = () => {
    if (process.env.POW_KEEP_TMP === '1') return;
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    cleanup,
    db: { provider: 'sqlite', url: env.DATABASE_URL, name: join(dir, 'dev.db'), drop: async () => {} },
    env,
    pow: (args) => runPow(args, { cwd: dir, env }),
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    write: (path, text) => writeFileSync(join(dir, path), text),
    async dispose() {
      cleanup();
    },
  };
}
