// Types of scripts/pack.mjs for the TypeScript tests that import it.
export const REPO_ROOT: string;
export const TEST_CACHE: string;
export interface Packed {
  /** Content hash of what went into the tarballs. */
  hash: string;
  /** .test-cache/packs/<hash> */
  dir: string;
  /** Absolute path of pow-<version>.tgz (the runtime). */
  pow: string;
  /** Absolute path of pow-cli-<version>.tgz (the CLI). */
  cli: string;
}
export function packHash(): string;
export function packPow(): Packed;
