/**
 * The app the guides' examples run in: the SQLite example app (fixtures/express5-ts-esm-sqlite)
 * after a real `pow install --yes`, `pow migrate` and `prisma generate`, made once per test file.
 * Each guide then gets a copy of it ("variant") with its example files from `examples/<guide>/`
 * copied over the app's own, and runs it in-process (the test process runs under tsx, so the
 * app's TypeScript is imported as is) on a loopback port.
 *
 * The copies share the base's generated Prisma client through a symlink (one module instance,
 * loaded once) and have their own SQLite database file.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  e2eProject,
  prismaGenerate,
  protectDashboard,
  TEST_POW_SECRET,
  type E2EProject,
} from '../helpers/e2e-project.js';
import { appsNodeModules, REPO_ROOT, runPow, type PowResult } from '../helpers/fixtures.js';
import { HttpClient, csrfTokenFrom, type HttpResponse } from '../helpers/http-client.js';

const exec = promisify(execFile);

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
export const DOCS_DIR = join(REPO_ROOT, 'docs');
/** A password that passes pow's policy (15+ characters, not on the blocklist). */
export const PASSWORD = 'purple-otter-maps-42-quietly';

/** The installed example app every guide starts from: the end of docs/getting-started.md. */
export async function installedApp(): Promise<E2EProject> {
  const project = await e2eProject('express5-ts-esm-sqlite', 'sqlite');
  try {
    await mustPass(project.pow(['install', '--yes']), 'pow install --yes');
    await mustPass(project.pow(['migrate']), 'pow migrate');
    await prismaGenerate(project);
    // Step 5 of the getting-started guide.
    protectDashboard(project, 'src/app.ts', 'app');
  } catch (error) {
    await project.dispose();
    throw error;
  }
  return project;
}

export async function mustPass(pending: Promise<PowResult>, what: string): Promise<PowResult> {
  const result = await pending;
  assert.equal(result.code, 0, `${what} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Files of `examples/<guide>/` (relative paths), except its README. */
export function exampleFiles(guide: string): string[] {
  const root = join(EXAMPLES_DIR, guide);
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (child !== 'README.md') out.push(child);
    }
  };
  walk('');
  return out.sort();
}

export interface Variant {
  dir: string;
  /** DATABASE_URL, POW_SECRET, POW_NOW for commands run in the copy. */
  env: Record<string, string>;
  read(path: string): string;
  write(path: string, text: string): void;
  /** `pow <args>` in the copy (in-process); `stdin` is what a shell would pipe in. */
  pow(args: string[], stdin?: string): Promise<PowResult>;
  /** Runs a tool from node_modules/.bin in the copy (`tsx`, `prisma`); rejects on failure. */
  bin(name: string, args: string[], env?: Record<string, string>): Promise<string>;
  remove(): void;
}

/**
 * A copy of the installed app with `examples/<guide>/` copied over it. `ownClient: true` copies
 * the generated Prisma client instead of linking it (for guides that change the schema).
 */
export function variant(
  base: E2EProject,
  guide: string | null,
  options: { ownClient?: boolean } = {},
): Variant {
  const dir = mkdtempSync(join(tmpdir(), `pow-guide-${guide ?? 'base'}-`));
  const generated = join(base.dir, 'src/generated');
  cpSync(base.dir, dir, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const rel = relative(base.dir, source);
      return rel !== 'node_modules' && (options.ownClient || rel !== join('src', 'generated'));
    },
  });
  // pow from its packed tarball, as in the base app (test/helpers/fixtures.ts, copyFixture).
  symlinkSync(appsNodeModules(), join(dir, 'node_modules'), 'dir');
  if (!options.ownClient) symlinkSync(generated, join(dir, 'src/generated'), 'dir');
  if (guide !== null) {
    for (const file of exampleFiles(guide)) cpSync(join(EXAMPLES_DIR, guide, file), join(dir, file));
  }
  const env = { ...base.env, DATABASE_URL: `file:${join(dir, 'dev.db')}` };
  return {
    dir,
    env,
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    write: (path, text) => writeFileSync(join(dir, path), text),
    pow: (args, stdin) => runPow(args, { cwd: dir, env, stdin }),
    async bin(name, args, extra = {}) {
      try {
        const { stdout, stderr } = await exec(join(appsNodeModules(), '.bin', name), args, {
          cwd: dir,
          env: childEnv({ ...env, ...extra }),
          maxBuffer: 16 * 1024 * 1024,
        });
        return stdout + stderr;
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${name} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`, {
          cause: error,
        });
      }
    },
    remove: () => {
      if (process.env.POW_KEEP_TMP !== '1') rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * This process's environment plus `extra`, without what node's test runner sets for its own
 * children (a test file run from here would otherwise refuse to run as a child of this test).
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** What the app's modules export, as the guides' tests use them. */
export interface AppModules {
  // The app's own modules are typed by its generated Prisma client, which lives in a temp folder.
  pow: any;
  auth: any;
  prisma: any;
}

export interface RunningGuideApp extends AppModules {
  url: string;
  browser(headers?: Record<string, string>): HttpClient;
  /** Imports another module of the running app (same instances as the app's). */
  load<T = Record<string, unknown>>(path: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * Imports the copy's `src/app.ts` in this process and serves it on a loopback port. The app's
 * modules read DATABASE_URL and POW_SECRET when they load, so start copies one at a time.
 */
export async function start(copy: Variant, extraEnv: Record<string, string> = {}): Promise<RunningGuideApp> {
  Object.assign(process.env, copy.env, { POW_SECRET: TEST_POW_SECRET }, extraEnv);
  const load = async <T>(path: string): Promise<T> =>
    (await import(pathToFileURL(join(copy.dir, path)).href)) as T;
  const { default: app } = await load<{ default: { listen: (...args: unknown[]) => Server } }>('src/app.ts');
  const { pow, auth } = await load<AppModules>('src/pow/config.ts');
  const { prisma } = await load<AppModules>('src/db.ts');
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // Longer than any pause in a test (a script run between two requests), so the client never
  // reuses a keep-alive connection the server is just closing.
  server.keepAliveTimeout = 120_000;
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    pow,
    auth,
    prisma,
    load,
    browser: (headers = {}) => new HttpClient(url, headers),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pow.store.close?.();
      await prisma.$disconnect();
    },
  };
}

/** Signs in through the form at `page`; returns the POST's response (a 302 on success). */
export async function signIn(
  browser: HttpClient,
  userId: string,
  password: string,
  page = '/session/new',
): Promise<HttpResponse> {
  const form = await browser.get(page);
  assert.equal(form.status, 200, `GET ${page}: ${form.status}`);
  const action = /<form class="pow-form" method="post" action="([^"]+)"/.exec(form.body)?.[1] ?? '/session';
  return browser.post(action.replace(/&amp;/g, '&'), {
    _csrf: csrfTokenFrom(form.body),
    user_id: userId,
    password,
  });
}

/** The guide's markdown. */
export function guideText(path: string): string {
  return readFileSync(join(DOCS_DIR, path), 'utf8');
}

/** Asserts the guide tells the reader to run `command` (a line of one of its shell blocks). */
export function assertGuideRuns(guide: string, command: string): void {
  const text = guideText(guide);
  const lines = [...text.matchAll(/^```(?:sh|bash|console)\n([\s\S]*?)^```$/gm)].flatMap((m) =>
    m[1].split('\n').map((line) =>
      line
        .replace(/^\$ /, '')
        .replace(/\s+#.*$/, '')
        .trim(),
    ),
  );
  assert.ok(lines.includes(command), `${guide} should tell the reader to run: ${command}`);
}

export { existsSync };
