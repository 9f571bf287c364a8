// A node:test reporter that records how long each test file ran (first to last event seen from
// it) and writes them, slowest first, to .test-cache/test-timings.json. scripts/run-test-files.mjs
// adds it beside the spec reporter so that every run says where the suite's time goes. A run of
// some files updates their rows and keeps the others' (of files that still exist): the next run
// starts the longest first by this record (scripts/test-order.mjs).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readTimings, TIMINGS_FILE } from './test-order.mjs';

const root = new URL('..', import.meta.url).pathname;

export default async function* fileTimings(source) {
  const started = Date.now();
  const files = new Map();
  for await (const event of source) {
    // Only results count: the runner announces every file (enqueue) when the run starts.
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const file = event.data?.file;
    if (!file) continue;
    const now = Date.now();
    const seen = files.get(file) ?? { first: now, last: now };
    seen.last = now;
    // A top-level test's own duration covers the work done before its result arrived.
    if (event.data.nesting === 0 && typeof event.data.details?.duration_ms === 'number') {
      seen.first = Math.min(seen.first, now - event.data.details.duration_ms);
    }
    files.set(file, seen);
  }
  const record = join(root, TIMINGS_FILE);
  const seconds = readTimings(record);
  for (const file of seconds.keys()) if (!existsSync(join(root, file))) seconds.delete(file);
  for (const [file, { first, last }] of files) {
    seconds.set(relative(root, file), Math.round((last - first) / 100) / 10);
  }
  const rows = [...seconds]
    .map(([file, s]) => ({ file, seconds: s }))
    .sort((a, b) => b.seconds - a.seconds || (a.file < b.file ? -1 : 1));
  mkdirSync(join(root, '.test-cache'), { recursive: true });
  writeFileSync(
    record,
    JSON.stringify({ wallSeconds: Math.round((Date.now() - started) / 1000), files: rows }, null, 2) + '\n',
  );
  yield '';
}
