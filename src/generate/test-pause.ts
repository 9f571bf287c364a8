import { renameSync, writeFileSync } from 'node:fs';
import type { ApplyStep } from './apply-plan.js';

/**
 * A pause point inside the write phase, for the kill tests only. With both variables set,
 *
 *   POW_TEST_PAUSE_AT=<n>            the step to stop before (0-based, see ApplyStep)
 *   POW_TEST_PAUSE_MARKER=<file>     written when the process reaches it: {"index","total","phase","path","pid"}
 *
 * the process writes the marker, then blocks for good (the test kills it). Any other value, or
 * either variable missing, turns it off: a normal run has no hook at all.
 */
export function testPauseFromEnv(
  env: Record<string, string | undefined>,
): ((step: ApplyStep) => void) | undefined {
  const at = env.POW_TEST_PAUSE_AT;
  const marker = env.POW_TEST_PAUSE_MARKER;
  if (!at || !marker || !/^\d+$/.test(at)) return undefined;
  const target = Number(at);
  return (step) => {
    if (step.index !== target) return;
    // Renamed into place, so the test never reads a half-written marker.
    writeFileSync(`${marker}.tmp`, JSON.stringify({ ...step, pid: process.pid }));
    renameSync(`${marker}.tmp`, marker);
    // Blocks this thread (the write phase is synchronous) until the process is killed.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  };
}
