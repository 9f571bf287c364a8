/**
 * Versions of the packages `pow install` adds to a project's package.json. Pinned to what pow is
 * built and tested with (test/unit/deps.test.ts checks them against pow's own package.json), so
 * the app runs exactly what pow's end-to-end tests ran. `pow` itself is added as `^<pow version>`.
 */
export const PINNED_VERSIONS = {
  /** Renders pow's `.ejs` views (Express's view engine). */
  ejs: '3.1.10',
  /** `--session-store redis`. */
  redis: '5.9.0',
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

/** The range pow adds for its own runtime package: `^0.1.0`. */
export function powRange(powVersion: string): string {
  return `^${powVersion}`;
}
