// Types of scripts/test-apps.mjs for the TypeScript tests that import it.
import type { Packed } from './pack.mjs';

export const APPS_DIR: string;
export const APPS_NODE_MODULES: string;
export function appDependencies(): Record<string, string>;
export interface TestApps {
  /** .test-cache/apps/node_modules: pow and pow-cli from their tarballs, the fixtures' packages. */
  nodeModules: string;
  /** Its .bin folder (pow, prisma, tsc, tsx). */
  bin: string;
  pack: Packed;
  /** Whether npm ran (false: the install was up to date). */
  installed: boolean;
}
export function ensureTestApps(options?: { log?: (line: string) => void }): TestApps;
