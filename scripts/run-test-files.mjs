#!/usr/bin/env node
// Runs the test files it is given with node's test runner, in the order given (node's `--test`
// sorts them by name; scripts/run-tests.mjs puts the longest first), POW_TEST_CONCURRENCY files at
// a time (default 3: most files wait on a child process, a database or a browser much of the
// time, so three keep two cores busy). scripts/run-tests.mjs starts it with `--import tsx`, which
// each file's process inherits. Prints the spec report and records each file's time
// (scripts/file-timings-reporter.mjs); exits 1 when a test failed, as `node --test` does.
import { Writable } from 'node:stream';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import fileTimings from './file-timings-reporter.mjs';

const files = process.argv.slice(2);
const concurrency = Number(process.env.POW_TEST_CONCURRENCY) || 3;

const stream = run({ files, concurrency });
stream.on('test:fail', (data) => {
  if (data.todo === undefined || data.todo === false) process.exitCode = 1;
});
stream.compose(new spec()).pipe(process.stdout);
stream.compose(fileTimings).pipe(
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  }),
);
