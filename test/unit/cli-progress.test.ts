/**
 * The CLI's spinner (src/cli/progress.ts): shown only on an interactive terminal, never in CI,
 * tests or pipes; appears only for slow steps; erased without escape codes when the step ends.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, progressEnabled, stopAllSpinners } from '../../src/cli/progress.js';

function sink(isTTY: boolean): {
  isTTY?: boolean;
  columns: number;
  written: string;
  write(chunk: string): void;
} {
  return {
    ...(isTTY ? { isTTY: true } : {}),
    columns: 80,
    written: '',
    write(chunk: string) {
      this.written += chunk;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('progressEnabled', () => {
  test('on only when stdout, stdin and stderr are terminals and nothing says otherwise', () => {
    assert.equal(progressEnabled({ isTTY: true, stderr: sink(true), env: {} }), true);
    assert.equal(progressEnabled({ isTTY: false, stderr: sink(true), env: {} }), false, 'piped stdout');
    assert.equal(progressEnabled({ isTTY: true, stderr: sink(false), env: {} }), false, 'piped stderr');
    for (const env of [
      { CI: 'true' },
      { CI: '1' },
      { NODE_ENV: 'test' },
      { TERM: 'dumb' },
      { POW_NO_PROGRESS: '1' },
    ]) {
      assert.equal(progressEnabled({ isTTY: true, stderr: sink(true), env }), false, JSON.stringify(env));
    }
    assert.equal(progressEnabled({ isTTY: true, stderr: sink(true), env: { CI: 'false' } }), true);
  });
});

describe('createProgress', () => {
  test('a slow step shows a spinner line with its label, erased with spaces when it ends', async () => {
    const stderr = sink(true);
    const progress = createProgress({ isTTY: true, stderr, env: {} }, { delayMs: 10, intervalMs: 10 });
    assert.equal(progress.enabled, true);
    const value = await progress.run('Inspecting the project', async () => {
      await sleep(120);
      return 42;
    });
    assert.equal(value, 42);
    assert.match(stderr.written, /^\r\S Inspecting the project/);
    assert.ok(stderr.written.split('\r').length > 3, 'the spinner turns');
    assert.match(stderr.written, /\r {10,}\r$/, 'the line is blanked and the cursor back at its start');
    assert.ok(!stderr.written.includes('\u001b'), 'no escape codes');
    assert.doesNotMatch(stderr.written, /\n/, 'never more than one line');
  });

  test('a quick step writes nothing (no flicker)', async () => {
    const stderr = sink(true);
    const progress = createProgress({ isTTY: true, stderr, env: {} }, { delayMs: 200 });
    await progress.run('Quick', async () => {});
    assert.equal(stderr.written, '');
  });

  test('off: nothing is written, errors pass through, stop is safe twice', async () => {
    const stderr = sink(false);
    const progress = createProgress({ isTTY: false, stderr, env: {} }, { delayMs: 0, intervalMs: 5 });
    assert.equal(progress.enabled, false);
    await assert.rejects(
      progress.run('Failing', async () => {
        await sleep(30);
        throw new Error('boom');
      }),
      /boom/,
    );
    const spinner = progress.start('Manual');
    await sleep(20);
    spinner.stop();
    spinner.stop();
    assert.equal(stderr.written, '');
  });

  test('a failing step still erases its line', async () => {
    const stderr = sink(true);
    const progress = createProgress({ isTTY: true, stderr, env: {} }, { delayMs: 0, intervalMs: 5 });
    await assert.rejects(
      progress.run('Failing', async () => {
        await sleep(40);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.match(stderr.written, /\r {9,}\r$/);
  });

  test('stopAllSpinners erases a spinner a failed command left running', async () => {
    const stderr = sink(true);
    const progress = createProgress({ isTTY: true, stderr, env: {} }, { delayMs: 0, intervalMs: 5 });
    progress.start('Left running');
    await sleep(30);
    stopAllSpinners();
    const after = stderr.written;
    assert.match(after, /\r {10,}\r$/);
    await sleep(30);
    assert.equal(stderr.written, after, 'nothing drawn after the stop');
  });

  test('a long label is cut to the terminal width', async () => {
    const stderr = { ...sink(true), columns: 30 };
    const progress = createProgress({ isTTY: true, stderr, env: {} }, { delayMs: 0, intervalMs: 5 });
    await progress.run('x'.repeat(100), () => sleep(30));
    for (const segment of stderr.written.split('\r')) assert.ok(segment.length <= 29, segment);
  });
});
