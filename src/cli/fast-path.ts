/**
 * Answers a re-run from its stamp when none of its inputs changed (issue 18). `pow install` with
 * nothing to do, `pow status` and `pow diff` are pure functions of their inputs (input-stamp.ts):
 * the full run records what it printed and its exit code under the digest of its inputs, and a run
 * with the same digest prints the same bytes without importing the inspector (ts-morph,
 * TypeScript), the schema parser or the schema engine. Any changed input gives another digest,
 * hence the full path, which records again.
 *
 * Only runs that change nothing are recorded: install when its plan was a no-op, status and diff
 * always (they never write). Runs that prompt, print help, or find an interrupted pow run (its
 * recovery writes files) take the full path.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CliIo } from './io.js';
import { inputsDigest, readStamp, writeStamp } from './input-stamp.js';

/** Commands whose whole answer can be replayed. */
const REPLAYABLE = new Set(['install', 'status', 'diff']);

interface ReplayStamp {
  digest: string;
  exitCode: number;
  stdout: string;
}

export interface FastPath {
  /** Replays the stamp when it matches (returns the exit code), else null. */
  replay(): number | null;
  /** The io to run the full path with: stdout is also recorded. */
  readonly io: CliIo;
  /** The command found its answer replayable (install: a no-op plan); call before it returns. */
  markReplayable(): void;
  /** After a full run that exited `code`: records the answer when it is replayable and the inputs still hold. */
  record(code: number): void;
}

/** The value of `--cwd` on the command line (`--cwd dir` or `--cwd=dir`), if any. */
function cwdFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--cwd') return argv[i + 1];
    if (arg.startsWith('--cwd=')) return arg.slice('--cwd='.length);
  }
  return undefined;
}

/** Whether `pow install` would ask questions (mirrors canPrompt in prompting.ts). */
function installPrompts(argv: readonly string[], io: CliIo): boolean {
  const ci = io.env.CI;
  const flags = new Set(argv);
  return (
    io.isTTY &&
    !flags.has('--yes') &&
    !flags.has('-y') &&
    !flags.has('--json') &&
    (ci === undefined || ci === '' || ci === 'false' || ci === '0')
  );
}

/** The fast path of this command line, or null when it has none. */
export function fastPathFor(argv: readonly string[], io: CliIo, powVersion: string): FastPath | null {
  const [command] = argv;
  if (command === undefined || !REPLAYABLE.has(command)) return null;
  if (argv.some((arg) => arg === '-h' || arg === '--help')) return null;
  if (command === 'install' && installPrompts(argv, io)) return null;
  const root = resolve(io.cwd, cwdFlag(argv) ?? '.');
  // No manifest: nothing pow wrote to replay. A journal: an interrupted run to recover first.
  if (!existsSync(join(root, '.pow/manifest.json')) || existsSync(join(root, '.pow/apply'))) return null;

  const digestNow = () => {
    try {
      return inputsDigest({ root, argv, env: io.env, isTTY: io.isTTY, powVersion });
    } catch {
      return null; // an unreadable file: let the full path say what is wrong
    }
  };
  const digest = digestNow();
  if (digest === null) return null;
  let stdout = '';
  let wroteStderr = false;
  let replayable = false;
  const debug = io.env.DEBUG?.startsWith('pow') ?? false;
  return {
    replay() {
      const stamp = readStamp<ReplayStamp>(root, command);
      if (stamp === null || stamp.digest !== digest || typeof stamp.stdout !== 'string') return null;
      io.stdout.write(stamp.stdout);
      if (debug) io.stderr.write(`pow: inputs unchanged, answered from .pow/cache/${command}.json\n`);
      return stamp.exitCode;
    },
    io: {
      ...io,
      stdout: {
        write(chunk) {
          stdout += String(chunk);
          return io.stdout.write(chunk);
        },
      },
      stderr: {
        write(chunk) {
          wroteStderr = true;
          return io.stderr.write(chunk);
        },
      },
    },
    markReplayable() {
      replayable = true;
    },
    record(code) {
      // A warning or a spinner on stderr is part of the answer that is not replayed.
      if (!replayable || wroteStderr || (code !== 0 && code !== 3)) return;
      // Written during the run (by pow or by someone else): the answer belongs to other inputs.
      if (digestNow() !== digest) return;
      const stamp: ReplayStamp = { digest, exitCode: code, stdout };
      writeStamp(root, command, stamp);
    },
  };
}
