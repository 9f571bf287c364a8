// Types of scripts/test-order.mjs for the TypeScript tests that import it.
export const TIMINGS_FILE: string;
export const FOLDER_SECONDS: Record<string, number>;
export function readTimings(file: string): Map<string, number>;
export function estimateSeconds(files: string[], timings: Map<string, number>): Map<string, number>;
export function orderTestFiles(
  files: string[],
  timings: Map<string, number>,
  sizes?: Map<string, number>,
): string[];
