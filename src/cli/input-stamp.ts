/**
 * The inputs of a pow command as one digest, and the stamps that remember what a command answered
 * for a digest (issue 18: a re-run with nothing to do answers at once, without loading ts-morph,
 * the schema parser, the schema engine or Prisma).
 *
 * The digest is deliberately wider than what pow reads, so that it can only err towards the full
 * path: every file of the project except node_modules, .git, SQLite database files (no command that
 * uses a stamp reads them; `pow migrate` asks the database itself) and the stamps; pow's version,
 * its templates (content) and its build (the time tsc wrote its entry files); the command line; the
 * environment minus variables that change between shells without meaning anything to pow.
 *
 * Stamps live in `.pow/cache/` (a folder with its own `.gitignore`: they are per machine, never
 * committed) and hold no time, so a command that answers from one writes nothing.
 */
import { createHash, type Hash } from 'node:crypto';
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  statSync,
  writeFileSync,
  type Dirent,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const STAMP_DIR = '.pow/cache';

/** Folders never looked into (dependencies, history). */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);
/** SQLite files and their journals: data, not inputs (they change with every request of the app). */
const DATABASE_FILE = /\.(db|sqlite|sqlite3)(-journal|-wal|-shm)?$/;
/** Above this size a file counts by size and modification time, not content. */
const HASHED_UP_TO = 1024 * 1024;
/**
 * Variables that differ between shells and runs without changing what pow does. Everything else
 * in the environment is an input: the database URL variable can have any name.
 */
const VOLATILE_ENV = new Set([
  '_',
  'OLDPWD',
  'SHLVL',
  'DEBUG',
  'COLUMNS',
  'LINES',
  'TERM_SESSION_ID',
  'WINDOWID',
  'SSH_AUTH_SOCK',
  'SSH_CLIENT',
  'SSH_CONNECTION',
  'SSH_TTY',
  'XDG_SESSION_ID',
  'INVOCATION_ID',
  'JOURNAL_STREAM',
  'NODE_CHANNEL_FD',
  'NODE_UNIQUE_ID',
]);

/** pow's own files: its compiled entry points (this file is dist/cli/input-stamp.js) and `templates/`. */
const POW_BUILD_FILES = ['./main.js', './program.js', './input-stamp.js', '../commands/index.js'].map((f) =>
  fileURLToPath(new URL(f, import.meta.url)),
);
const POW_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export interface StampInputs {
  root: string;
  /** The command line after `pow`. */
  argv: readonly string[];
  env: Record<string, string | undefined>;
  isTTY: boolean;
  powVersion: string;
  /** pow's templates folder (tests point it at a changed copy to play a pow upgrade). */
  templatesDir?: string;
}

/** One digest of everything a command's answer can depend on (see the file comment). */
export function inputsDigest(inputs: StampInputs): string {
  const hash = createHash('sha256');
  const field = (name: string, value: string) => hash.update(`${name}\0${value}\0`);
  field('root', inputs.root);
  field('argv', JSON.stringify(inputs.argv));
  field('tty', String(inputs.isTTY));
  field('pow', inputs.powVersion);
  for (const key of Object.keys(inputs.env).sort()) {
    const value = inputs.env[key];
    if (value === undefined || VOLATILE_ENV.has(key) || key.startsWith('npm_')) continue;
    field(`env:${key}`, value);
  }
  hashTree(hash, inputs.templatesDir ?? POW_TEMPLATES_DIR, 'templates');
  powBuild(hash);
  hashTree(hash, inputs.root, 'project');
  return hash.digest('hex');
}

function hashTree(hash: Hash, dir: string, label: string): void {
  const walk = (abs: string, rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      hash.update(`${label}:${rel}\0missing\0`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = entry.name;
      const path = rel === '' ? name : `${rel}/${name}`;
      if (label === 'project' && (SKIPPED_DIRS.has(name) || path === STAMP_DIR || DATABASE_FILE.test(name)))
        continue;
      // Plain concatenation: path.join on every file was a third of the digest's time.
      const file = `${abs}/${name}`;
      if (entry.isSymbolicLink()) {
        hash.update(`${label}:${path}\0link\0${readlinkSync(file)}\0`);
      } else if (entry.isDirectory()) {
        walk(file, path);
      } else {
        const st = statSync(file);
        if (st.size > HASHED_UP_TO) {
          hash.update(`${label}:${path}\0stat\0${st.size}:${st.mtimeMs}\0`);
        } else {
          hash.update(`${label}:${path}\0file\0`);
          hash.update(readFileSync(file));
          hash.update('\0');
        }
      }
    }
  };
  walk(dir.replace(/\/+$/, ''), '');
}

/**
 * Which build of pow runs: its version says it for a published pow; a rebuilt working copy (same
 * version, new code) is told by the time tsc last wrote the entry files (tsc writes every file).
 */
function powBuild(hash: Hash): void {
  for (const file of POW_BUILD_FILES) {
    try {
      const st = statSync(file);
      hash.update(`build:${file}\0${st.size}:${st.mtimeMs}\0`);
    } catch {
      hash.update(`build:${file}\0missing\0`);
    }
  }
}

/** `.pow/cache/<name>.json` of a project, or null when absent or unreadable. */
export function readStamp<T>(root: string, name: string): (T & { digest: string }) | null {
  try {
    return JSON.parse(readFileSync(join(root, STAMP_DIR, `${name}.json`), 'utf8')) as T & { digest: string };
  } catch {
    return null;
  }
}

/**
 * Writes a stamp (atomically: a reader sees the old stamp or the new one). A stamp that cannot be
 * written is no error: the next run takes the full path again.
 */
export function writeStamp<T extends { digest: string }>(root: string, name: string, stamp: T): void {
  try {
    const dir = join(root, STAMP_DIR);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.gitignore'), '# Written by pow: answers per machine, never committed.\n*\n');
    const file = join(dir, `${name}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(stamp, null, 2)}\n`);
    renameSync(temp, file);
  } catch {
    // Read-only checkout, full disk: no fast path next time, nothing worse.
  }
}
