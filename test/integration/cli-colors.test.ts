/**
 * Colour and terminal output of `pow install`: NO_COLOR=1 gives no ANSI escape at all, even on a
 * terminal (the spinner included); FORCE_COLOR=1 colours the action verbs and headings even when
 * piped. Checked in-process with a fake terminal and through bin/pow.js as a real child process.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { copyFixture, REPO_ROOT } from '../helpers/fixtures.js';
import { requireBuild } from '../helpers/e2e-project.js';

const exec = promisify(execFile);
/** The start of every ANSI escape sequence (CSI). */
const ESC = '\u001b[';
/** `text` wrapped in the SGR codes `open`/`close`, as src/generate/colors.ts writes it. */
const sgr = (open: number, close: number, text: string) => `${ESC}${open}m${text}${ESC}${close}m`;
const lines = (text: string) => text.split('\n');
const project = copyFixture('express5-ts-esm-sqlite');
after(() => project.cleanup());

/** `pow install --dry-run --yes` in-process; `terminal` makes stdout, stdin and stderr TTYs. */
async function dryRun(env: Record<string, string>, terminal: boolean) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: Object.assign({ write: (chunk: string) => (stderr += chunk) }, terminal ? { isTTY: true } : {}),
    cwd: project.dir,
    env: { POW_NOW: '2026-01-02T03:04:05Z', ...env },
    isTTY: terminal,
  };
  const code = await run(['install', '--dry-run', '--yes'], io);
  return { code, stdout, stderr };
}

describe('pow install output and colours', () => {
  test('NO_COLOR=1 on a terminal: no ANSI escapes on stdout or stderr', async () => {
    const res = await dryRun({ NO_COLOR: '1' }, true);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^create {4}src\/pow\/config\.ts \(new file\)$/m);
    assert.match(res.stdout, /\nNext steps:\n {2}1\. /);
    assert.ok(!res.stdout.includes(ESC), 'no escape on stdout');
    assert.ok(!res.stderr.includes(ESC), 'no escape on stderr (spinner included)');
  });

  test('FORCE_COLOR=1 without a terminal: coloured verbs, dim reasons, bold headings', async () => {
    const res = await dryRun({ FORCE_COLOR: '1' }, false);
    assert.equal(res.code, 0, res.stderr);
    const out = lines(res.stdout);
    assert.ok(
      out.includes(`${sgr(32, 39, 'create   ')} src/pow/config.ts ${sgr(2, 22, '(new file)')}`),
      res.stdout,
    );
    assert.ok(out.includes(sgr(1, 22, 'Next steps:')), 'bold heading');
    assert.ok(
      out.some((line) => line.startsWith(`  2. npx pow migrate${ESC}2m    # `)),
      'the comment after a command is dimmed',
    );
    assert.equal(res.stderr, '', 'no spinner without a terminal');
  });

  test('neither variable, no terminal (a pipe, CI logs): plain text', async () => {
    const res = await dryRun({}, false);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(!res.stdout.includes(ESC));
    assert.equal(res.stderr, '');
  });

  test('bin/pow.js as a real process: NO_COLOR=1 plain, FORCE_COLOR=1 coloured', async () => {
    requireBuild();
    const pow = (env: Record<string, string>) =>
      exec(process.execPath, [join(REPO_ROOT, 'bin/pow.js'), 'install', '--dry-run', '--yes'], {
        cwd: project.dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          POW_NOW: '2026-01-02T03:04:05Z',
          ...env,
        },
      });
    const [plain, coloured] = await Promise.all([pow({ NO_COLOR: '1' }), pow({ FORCE_COLOR: '1' })]);
    assert.ok(!(plain.stdout + plain.stderr).includes(ESC), plain.stdout);
    assert.match(plain.stdout, /^create {4}src\/pow\/config\.ts/m);
    assert.ok(coloured.stdout.includes(sgr(32, 39, 'create   ')), coloured.stdout);
    assert.ok(coloured.stdout.includes(sgr(1, 22, 'Next steps:')), coloured.stdout);
  });
});
