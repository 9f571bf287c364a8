/**
 * The order the test runner starts the files in (scripts/test-order.mjs): the longest first, by
 * the recorded timings; files without a record by their folder's median, or its typical length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateSeconds, orderTestFiles, readTimings } from '../../scripts/test-order.mjs';

test('recorded files run longest first; ties keep the path order', () => {
  const timings = new Map([
    ['test/unit/a.test.ts', 1],
    ['test/unit/b.test.ts', 9],
    ['test/e2e/c.test.ts', 30],
    ['test/e2e/d.test.ts', 30],
  ]);
  assert.deepEqual(
    orderTestFiles(
      ['test/unit/a.test.ts', 'test/e2e/d.test.ts', 'test/unit/b.test.ts', 'test/e2e/c.test.ts'],
      timings,
    ),
    ['test/e2e/c.test.ts', 'test/e2e/d.test.ts', 'test/unit/b.test.ts', 'test/unit/a.test.ts'],
  );
});

test("a new file counts as its folder's median record; a folder without records by its typical length", () => {
  const timings = new Map([
    ['test/e2e/a.test.ts', 10],
    ['test/e2e/b.test.ts', 20],
    ['test/e2e/c.test.ts', 90],
  ]);
  const seconds = estimateSeconds(
    ['test/e2e/new.test.ts', 'test/browser/x.test.ts', 'test/unit/y.test.ts'],
    timings,
  );
  assert.equal(seconds.get('test/e2e/new.test.ts'), 20);
  assert.ok(seconds.get('test/browser/x.test.ts')! > seconds.get('test/unit/y.test.ts')!);
  // With no record at all (a fresh machine), the browser and end-to-end folders start first.
  assert.deepEqual(
    orderTestFiles(
      [
        'test/unit/u.test.ts',
        'test/integration/i.test.ts',
        'test/browser/b.test.ts',
        'test/e2e/real-apps/r.test.ts',
      ],
      new Map(),
    ),
    [
      'test/browser/b.test.ts',
      'test/e2e/real-apps/r.test.ts',
      'test/integration/i.test.ts',
      'test/unit/u.test.ts',
    ],
  );
});

test('without records, the larger files of a folder start first', () => {
  const sizes = new Map([
    ['test/e2e/small.test.ts', 2_000],
    ['test/e2e/large.test.ts', 30_000],
    ['test/unit/large.test.ts', 90_000],
  ]);
  assert.deepEqual(orderTestFiles([...sizes.keys()], new Map(), sizes), [
    'test/e2e/large.test.ts',
    'test/e2e/small.test.ts',
    'test/unit/large.test.ts',
  ]);
});

test('the record is read from the timings file; a missing or broken file is no record', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pow-test-order-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'test-timings.json');
  assert.equal(readTimings(file).size, 0);
  writeFileSync(
    file,
    JSON.stringify({ wallSeconds: 5, files: [{ file: 'test/unit/a.test.ts', seconds: 2.5 }] }),
  );
  assert.deepEqual([...readTimings(file)], [['test/unit/a.test.ts', 2.5]]);
  writeFileSync(file, '{"wallSeconds": 5, "fil');
  assert.equal(readTimings(file).size, 0);
});
