// The order scripts/run-tests.mjs hands the test files to node's runner: the longest first, so
// that a long file never starts last while the other workers sit idle (longest-processing-time
// scheduling). A file's length is what the last runs recorded (.test-cache/test-timings.json,
// scripts/file-timings-reporter.mjs); a file without a record counts as long as the median of its
// folder's recorded files, or, on a machine that never ran the tests (CI's fresh clone), its
// folder's typical length, the larger files of a folder first.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the timings reporter keeps the record, relative to the repo. */
export const TIMINGS_FILE = '.test-cache/test-timings.json';

/** Rough seconds per file on a quiet two-core machine, by folder, for files never timed here. */
export const FOLDER_SECONDS = {
  'test/browser': 60,
  'test/docs': 60,
  'test/e2e/real-apps': 40,
  'test/e2e': 40,
  'test/faults': 30,
  'test/integration': 6,
  'test/unit': 2,
};

/** The recorded seconds per file (test path → seconds), empty when there is no record. */
export function readTimings(file) {
  if (!existsSync(file)) return new Map();
  try {
    const { files } = JSON.parse(readFileSync(file, 'utf8'));
    return new Map(
      files.filter((row) => typeof row.seconds === 'number').map((row) => [row.file, row.seconds]),
    );
  } catch {
    return new Map(); // A half-written or old-format record orders nothing.
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function folderPrior(file) {
  let best = '';
  for (const folder of Object.keys(FOLDER_SECONDS)) {
    if (file.startsWith(`${folder}/`) && folder.length > best.length) best = folder;
  }
  return best ? FOLDER_SECONDS[best] : FOLDER_SECONDS['test/integration'];
}

/** Each file's expected seconds: its record, else its folder's median record, else the folder prior. */
export function estimateSeconds(files, timings) {
  const byFolder = new Map();
  for (const [file, seconds] of timings) {
    const folder = dirname(file);
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), seconds]);
  }
  return new Map(
    files.map((file) => {
      const recorded = timings.get(file);
      if (recorded !== undefined) return [file, recorded];
      const folder = byFolder.get(dirname(file));
      return [file, folder ? median(folder) : folderPrior(file)];
    }),
  );
}

/**
 * `files` (paths relative to the repo, as in the timings) longest first. Equal estimates (files of
 * one folder without records) go by `sizes` (bytes of source: more tests), the larger first, then
 * by path.
 */
export function orderTestFiles(files, timings, sizes = new Map()) {
  const seconds = estimateSeconds(files, timings);
  return [...files].sort(
    (a, b) =>
      seconds.get(b) - seconds.get(a) ||
      (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0) ||
      (a < b ? -1 : a > b ? 1 : 0),
  );
}
