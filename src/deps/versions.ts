/**
 * pow is published as two packages built from this repo (package.json, packages/cli/package.json):
 * the runtime the generated code imports, and the CLI, a devDependency of the app (as Prisma's
 * `prisma` CLI next to `@prisma/client`), so a production install (`npm ci --omit=dev`) carries
 * no code generator. Both are released at the same version.
 */
export const POW_PACKAGES = {
  /** Runtime: `pow`, `pow/express`, `pow/testing`; a dependency of the app. */
  runtime: 'pow',
  /** The `pow` command (inspect, install, migrate, ...); a devDependency of the app. */
  cli: 'pow-cli',
} as const;

/**
 * Versions of the packages `pow install` adds to a project's package.json. Pinned to what pow is
 * built and tested with (test/integration/install-cli.test.ts checks them against pow's own
 * package.json and its peer ranges), so the app runs exactly what pow's end-to-end tests ran.
 * `pow` and `pow-cli` themselves are added as `^<pow version>`.
 */
export const PINNED_VERSIONS = {
  /** Renders pow's `.ejs` views (Express's view engine). */
  ejs: '3.1.10',
  /** `--session-store redis` (an optional peer of pow, loaded only by redisStore). */
  redis: '5.9.0',
  /** An extension that sends mail: smtpMailer (an optional peer of pow, loaded on the first mail). */
  nodemailer: '7.0.6',
  /** The oauth extension: OpenID Connect / OAuth 2.0 (an optional peer of pow, loaded on the first sign-in). */
  'openid-client': '6.9.1',
  /** The Prisma client, when the app lists none (a peer of pow). */
  '@prisma/client': '7.10.0',
  // Prisma 7 driver adapters and their drivers, for the Prisma client pow generates when the app
  // has none (`<src>/pow/prisma.ts`).
  '@prisma/adapter-better-sqlite3': '7.10.0',
  // better-sqlite3 13 needs Node 22; pow supports Node 20.19+.
  'better-sqlite3': '12.11.1',
  '@prisma/adapter-pg': '7.10.1',
  pg: '8.23.1',
  '@prisma/adapter-mariadb': '7.10.0',
  mariadb: '3.5.4',
  // Types the generated code needs in a TypeScript app (devDependencies): the entry imports ejs,
  // and the adapters' declarations import their drivers' types.
  '@types/ejs': '3.1.5',
  '@types/better-sqlite3': '9.6.0',
  '@types/pg': '8.23.1',
} as const;

export type PinnedPackage = keyof typeof PINNED_VERSIONS;

/** True when pow knows which version of `name` to add. */
export function isPinned(name: string): name is PinnedPackage {
  return Object.prototype.hasOwnProperty.call(PINNED_VERSIONS, name);
}

/** The range pow adds for its own packages (runtime and CLI): `^0.1.0`. */
export function powRange(powVersion: string): string {
  return `^${powVersion}`;
}
