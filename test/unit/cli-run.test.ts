/**
 * The CLI skeleton driven in-process: help, version, usage errors (exit 2 with suggestions),
 * error formatting, exit codes, and the command-registration API.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Option } from 'commander';
import type { CommandModule } from '../../src/commands/index.js';
import { COMMANDS } from '../../src/commands/index.js';
import { PowError } from '../../src/shared/pow-error.js';
import { REPO_ROOT, runPow } from '../helpers/fixtures.js';

const VERSION = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

describe('help and version', () => {
  test('pow --help lists the commands and the exit codes', async () => {
    const result = await runPow(['--help']);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^Usage: pow \[options\] \[command\]/);
    assert.match(result.stdout, /\n {2}inspect \[options\] +show what pow detects/);
    assert.match(result.stdout, /\n {2}help \[command\] +show help for a command/);
    assert.match(result.stdout, /Exit codes:\n {2}0 {2}success/);
    assert.match(result.stdout, /\n {2}2 {2}usage error/);
    assert.match(result.stdout, /\n {2}3 {2}conflicts, or drift under --check/);
  });

  test('pow --version and -v print the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await runPow([flag]);
      assert.deepEqual(result, { code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
  });

  test('pow help <command> and pow <command> --help', async () => {
    for (const argv of [
      ['help', 'inspect'],
      ['inspect', '--help'],
    ]) {
      const result = await runPow(argv);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /^Usage: pow inspect \[options\]/);
      assert.match(result.stdout, /--json +print the project facts as JSON only/);
      assert.match(result.stdout, /--cwd <dir>/);
      assert.match(result.stdout, /--user-model <name>/);
    }
  });

  test('pow with no command prints help on stderr and exits 2', async () => {
    const result = await runPow([]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^Usage: pow/);
  });
});

describe('usage errors exit 2', () => {
  test('an unknown command is named, with the closest command suggested', async () => {
    const result = await runPow(['inspct']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, "error: unknown command 'inspct'\n(Did you mean inspect?)\n");
  });

  test('an unknown command with nothing close lists the commands', async () => {
    const result = await runPow(['frobnicate']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `error: unknown command 'frobnicate'\nCommands: ${COMMANDS.map((c) => c.name).join(', ')}. Run "pow --help" for details.\n`,
    );
  });

  test('pow help <unknown> is an unknown command too', async () => {
    const result = await runPow(['help', 'inspekt']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "error: unknown command 'inspekt'\n(Did you mean inspect?)\n");
  });

  test('an unknown flag is named, with the closest flag suggested', async () => {
    const result = await runPow(['inspect', '--jsn']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, "error: unknown option '--jsn'\n(Did you mean --json?)\n");
  });

  test("an unknown flag with nothing close lists the command's flags", async () => {
    const result = await runPow(['inspect', '--frobnicate']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      "error: unknown option '--frobnicate'\nOptions of pow inspect: --json, --cwd, --user-model, --help.\n",
    );
  });

  test('an unknown global flag, a missing flag value, an extra argument', async () => {
    const global = await runPow(['--verison']);
    assert.equal(global.code, 2);
    assert.match(global.stderr, /^error: unknown option '--verison'\n\(Did you mean --version\?\)/);
    const missing = await runPow(['inspect', '--cwd']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /option '--cwd <dir>' argument missing/);
    const extra = await runPow(['inspect', 'extra']);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /too many arguments for 'inspect'/);
  });

  test('a bad flag value is a usage error with a Fix line', async () => {
    const badModel = await runPow([
      'inspect',
      '--user-model',
      'not a model',
      '--cwd',
      'fixtures/express5-ts-esm-sqlite',
    ]);
    assert.equal(badModel.code, 2);
    assert.match(badModel.stderr, /^error: --user-model "not a model" is not a Prisma model name\.\nFix: /);
    const badCwd = await runPow(['inspect', '--cwd', 'no/such/dir']);
    assert.equal(badCwd.code, 2);
    assert.match(badCwd.stderr, /^error: --cwd no\/such\/dir: .* is not a directory\.\nFix: Pass the folder/);
  });
});

describe('errors and exit codes from commands', () => {
  const fake = (
    action: (ctx: Parameters<CommandModule['register']>[1]) => void | Promise<void>,
  ): CommandModule => ({
    name: 'fake',
    register(program, ctx) {
      program
        .command('fake')
        .addOption(new Option('--json'))
        .action(async () => action(ctx));
    },
  });

  test('a PowError prints "error:" and "Fix:" on stderr and returns its exit code', async () => {
    const failing = fake(() => {
      throw new PowError({
        code: 'POW_TEST',
        message: 'Something is off in a.ts.',
        fix: 'Do the thing.',
        exitCode: 3,
      });
    });
    const result = await runPow(['fake'], { run: { commands: [failing] } });
    assert.deepEqual(result, {
      code: 3,
      stdout: '',
      stderr: 'error: Something is off in a.ts.\nFix: Do the thing.\n',
    });
  });

  test('under --json the PowError is also printed as JSON on stdout', async () => {
    const failing = fake(() => {
      throw new PowError({ code: 'POW_TEST', message: 'Nope.', fix: 'Fix it.' });
    });
    const result = await runPow(['fake', '--json'], { run: { commands: [failing] } });
    assert.equal(result.code, 1);
    assert.deepEqual(JSON.parse(result.stdout), {
      error: { code: 'POW_TEST', message: 'Nope.', fix: 'Fix it.' },
    });
  });

  test('an unexpected error is reported as a bug, exit 1, stack only with DEBUG=pow', async () => {
    const buggy = fake(() => {
      throw new TypeError('x is undefined');
    });
    const result = await runPow(['fake'], { run: { commands: [buggy] } });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`^error: this is a bug in pow ${VERSION.replaceAll('.', '\\.')}: x is undefined\n`),
    );
    assert.doesNotMatch(result.stderr, /at /);
    const debug = await runPow(['fake'], { run: { commands: [buggy] }, env: { DEBUG: 'pow*' } });
    assert.match(debug.stderr, /TypeError: x is undefined\n\s+at /);
  });

  test('ctx.setExitCode sets the result of a successful run; output goes to io', async () => {
    const drift = fake((ctx) => {
      ctx.out.line('drift found');
      ctx.out.warn('a warning');
      ctx.setExitCode(3);
    });
    assert.deepEqual(await runPow(['fake'], { run: { commands: [drift] } }), {
      code: 3,
      stdout: 'drift found\n',
      stderr: 'a warning\n',
    });
  });

  test('the registry lists inspect, and every command module has a matching name', () => {
    assert.ok(COMMANDS.some((module) => module.name === 'inspect'));
    for (const module of COMMANDS) assert.match(module.name, /^[a-z][a-z.]*$/);
  });
});
