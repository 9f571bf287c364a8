import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO = dirname(BENCH);
/** Cache and scratch space; `.tmp/` is git-ignored. */
export const BENCH_TMP = join(BENCH, '.tmp');
export const RESULTS = join(BENCH, 'results');
export const SERVERS = join(BENCH, 'servers');
export const PEERS = join(BENCH, 'peers');
/** pow's built package; BENCH_POW_DIST points the servers at another build (e.g. a private one). */
export const POW_DIST = process.env.BENCH_POW_DIST ?? join(REPO, 'dist');
