/** Small facts about database URLs, kept apart from the schema engine so fast paths need not load it. */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Resolves a SQLite URL (`file:./dev.db`) against `baseDir`. */
export function sqliteFilePath(url: string, baseDir: string): string {
  let path = url.startsWith('file:') ? url.slice('file:'.length) : url;
  const q = path.indexOf('?');
  if (q >= 0) path = path.slice(0, q);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === ':memory:') return path;
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/** Host, port, user, password and database of a `mysql://` URL (the mariadb driver's options). */
export interface MysqlConnectionParts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function mysqlConnectionParts(url: string): MysqlConnectionParts {
  const u = new URL(url);
  return {
    host: u.hostname || 'localhost',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password || ''),
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

/** The URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Reads `KEY=value` lines of a dotenv file: `export` prefixes, comments, blank lines and single or
 * double quotes are understood (double-quoted values get \n escapes). No interpolation.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) continue;
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.indexOf(quote, 1) > 0) {
      value = value.slice(1, value.indexOf(quote, 1));
      if (quote === '"') value = value.replace(/\\n/g, '\n');
    } else {
      const hash = value.indexOf(' #');
      if (hash >= 0) value = value.slice(0, hash).trimEnd();
    }
    out[key] = value;
  }
  return out;
}

/** The database URL: --url, else the variable from the environment, else from the project's .env. */
export function resolveDatabaseUrl(
  root: string,
  envVar: string,
  env: Record<string, string | undefined>,
  explicit?: string,
): { url: string; source: string } | null {
  if (explicit !== undefined && explicit !== '') return { url: explicit, source: '--url' };
  const fromEnv = env[envVar];
  if (fromEnv !== undefined && fromEnv !== '')
    return { url: fromEnv, source: `${envVar} from the environment` };
  let text: string;
  try {
    text = readFileSync(join(root, '.env'), 'utf8');
  } catch {
    return null;
  }
  const value = parseDotenv(text)[envVar];
  return value ? { url: value, source: `${envVar} from .env` } : null;
}
