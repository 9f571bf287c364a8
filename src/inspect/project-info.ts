/**
 * The fact sheet `pow inspect` produces and every generator reads. Serialisable (JSON), paths
 * relative to `root` with forward slashes.
 */
export interface PrismaField {
  name: string;
  /** Prisma type without modifiers: "String", "Int", "DateTime", a model name, ... */
  type: string;
  optional: boolean;
  list: boolean;
  /** Attribute sources as written, e.g. ["@id", "@default(uuid())", "@unique"]. */
  attributes: string[];
}

export interface PrismaModelInfo {
  name: string;
  /** Value of @@map, or null. */
  tableName: string | null;
  /** Schema file (relative) that declares the model. */
  file: string;
  fields: PrismaField[];
  idField: string;
  idType: 'Int' | 'String' | 'BigInt';
  /** How the id is generated: autoincrement(), uuid(), cuid(), or null when the app sets it. */
  idDefault: 'autoincrement' | 'uuid' | 'cuid' | 'other' | null;
}

export type PrismaProvider = 'sqlite' | 'postgresql' | 'mysql' | 'sqlserver' | 'cockroachdb' | 'mongodb';

export interface PrismaInfo {
  /** Installed or declared version of the `prisma` package, e.g. "7.10.1". */
  version: string | null;
  /** Major version, used to decide Prisma 6- or 7-style output. */
  major: number | null;
  /** The schema file, or the folder for multi-file schemas. */
  schemaPath: string;
  /** Every .prisma file that makes up the schema. */
  schemaFiles: string[];
  multiFile: boolean;
  /** Where the schema location came from. */
  schemaSource: 'prisma.config.ts' | 'package.json' | 'default';
  /** prisma.config.ts (or .js/.mjs) if present. */
  configFile: string | null;
  provider: PrismaProvider;
  /** Env var holding the database URL (from prisma.config.ts or the datasource block). */
  urlEnvVar: string | null;
  /** Where the URL is declared: in the schema (Prisma 6 style) or in prisma.config.ts. */
  urlLocation: 'schema' | 'config' | null;
  generator: {
    provider: 'prisma-client' | 'prisma-client-js';
    /** Output folder relative to root, when set. */
    output: string | null;
  };
  /**
   * Import specifier of the generated client as seen from `sourceDir` root files, e.g.
   * "@prisma/client" or "./generated/prisma/client.js" (relative to sourceDir).
   */
  clientImport: string;
  /** Migrations folder relative to root ("prisma/migrations"). */
  migrationsDir: string;
  /** The User model (or the one named by --user-model), or null when absent. */
  userModel: PrismaModelInfo | null;
  /** Names of every model in the schema. */
  models: string[];
}

export interface EntryInfo {
  /** App entry file relative to root, e.g. "src/app.ts". */
  path: string;
  /** Variable holding `express()`, or null when the app is built inside a function. */
  appVariable: string | null;
  /** True when pow can patch the entry safely (top-level `const app = express()`). */
  patchable: boolean;
  /** Why it is not patchable, for the manual-step message. */
  reason?: string;
}

/** A route the app registers (`app.post('/api/posts', ...)`, a router's route under its mount). */
export interface AppRoute {
  /** "GET", "POST", ... ("ALL" for `app.all`). */
  method: string;
  /** Full path as far as the mounts are known, e.g. "/api/posts/:id". */
  path: string;
  /** File (relative) and line of the registration. */
  file: string;
  line: number;
  /** Under `/api`, a handler answers with `res.json(...)`, or its router has such a handler. */
  api: boolean;
  /** The path of one of pow's pages (`/session`, `/registration`, ...): pow's routes, mounted first, take it. */
  powPath: boolean;
}

/** How the app is started and where it listens (detect-server.ts). */
export interface ServerInfo {
  /** The package.json script a developer starts the app with: "dev", else "start", else null. */
  startScript: 'dev' | 'start' | null;
  /** The file with the app's `listen(...)` call, or null. */
  listenFile: string | null;
  /** The port in development: the literal, or the fallback of `process.env.PORT || 3001`; null when unknown. */
  port: number | null;
  /** The environment variable the port is read from ("PORT"), or null. */
  portEnvVar: string | null;
  /**
   * True when the app loads `.env` itself: a dotenv package among its dependencies, `--env-file`
   * in its start script, or `process.loadEnvFile()` in its code.
   */
  loadsDotEnv: boolean;
  /**
   * True when the app has a page at `/` (it answers `GET /`, serves static files or renders views):
   * where pow sends people after sign-in. A JSON API has none, so pow lands them on its own page.
   */
  homePage: boolean;
}

export interface ProjectInfo {
  root: string;
  packageName: string | null;
  packageManager: 'npm' | 'pnpm' | 'yarn' | 'bun';
  language: 'ts' | 'js';
  moduleSystem: 'esm' | 'cjs';
  /** What relative imports in emitted code end with: ".js" under NodeNext/ESM, "" otherwise. */
  relativeImportExtension: '' | '.js';
  /** "src" or "." */
  sourceDir: string;
  framework: { name: 'express'; version: string; major: 4 | 5 };
  entry: EntryInfo | null;
  views: { dir: string | null; engine: string | null };
  /**
   * A module of the app that exports a ready PrismaClient instance (found structurally: an
   * exported variable initialised with `new PrismaClient(...)`), so generated code reuses it.
   * Null → pow generates `<sourceDir>/pow/prisma.ts`.
   */
  prismaClientModule: { path: string; exportName: string } | null;
  prisma: PrismaInfo | null;
  /**
   * The app's own routes, found in every source file. pow's middleware leaves the API ones alone
   * for clients without its cookie (src/runtime/express/forgery.ts); inspect and install say so.
   * Always set by inspectProject; optional so fact sheets written by hand (tests) may leave it out.
   */
  appRoutes?: {
    routes: AppRoute[];
    /** How many of `routes` are API routes, and how many of those change data (POST, PUT, PATCH, DELETE, ALL). */
    apiRoutes: number;
    apiWriteRoutes: number;
  };
  /** How the app starts and its port; absent in fact sheets made by hand (tests): treated as unknown. */
  server?: ServerInfo;
}
