import path from 'node:path';
import { statSync } from 'node:fs';
import type { CliIo } from './io.js';
import type { Output } from './output.js';
import { recoverInterruptedApply, type RecoveryReport } from '../generate/recover-apply.js';
import { PowError } from '../shared/pow-error.js';

/**
 * What every command gets, built once per `run()`. Commands read and write only through it
 * (io, output) and never touch `process`: tests drive the CLI in-process with in-memory sinks.
 */
export interface CommandContext {
  readonly io: CliIo;
  readonly out: Output;
  /** pow's own version (package.json). */
  readonly version: string;
  /** The command line after `pow` (the fast paths key their stamps on it). */
  readonly argv: readonly string[];
  /**
   * The project directory: `--cwd` resolved against the invocation's working directory.
   * Throws POW_CWD_NOT_FOUND (usage, exit 2) when it is not a directory.
   */
  resolveCwd(dir: string | undefined): string;
  /**
   * resolveCwd, then finishes or undoes a pow run that was interrupted while writing that project
   * (a killed `pow install`), saying which on stderr. Every command that works on a project starts
   * here. Throws when the interrupted run can be neither finished nor undone (recover-apply.ts).
   * `quiet`: the command reports `recovered` itself.
   */
  openProject(dir: string | undefined, opts?: { quiet?: boolean }): string;
  /** The recovery openProject did in this run (null: there was nothing to recover). */
  readonly recovered: RecoveryReport | null;
  /**
   * Sets the code `run()` returns after the action finishes (default 0). Use 3 for conflicts
   * or drift under --check; for errors throw a PowError instead (it carries its own code).
   */
  setExitCode(code: 0 | 1 | 2 | 3): void;
  /**
   * This run's answer is a pure function of its inputs and changed nothing (install: a no-op
   * plan; status, diff): a re-run with the same inputs may replay it (src/cli/fast-path.ts).
   */
  markReplayable(): void;
}

export function createContext(
  io: CliIo,
  out: Output,
  version: string,
  argv: readonly string[],
  setExitCode: (code: 0 | 1 | 2 | 3) => void,
  markReplayable: () => void = () => {},
): CommandContext {
  let recovered: RecoveryReport | null = null;
  const ctx: CommandContext = {
    io,
    out,
    version,
    argv,
    setExitCode,
    markReplayable,
    get recovered() {
      return recovered;
    },
    openProject(dir, opts = {}) {
      const root = ctx.resolveCwd(dir);
      recovered = recoverInterruptedApply(root);
      if (recovered && !opts.quiet) out.warn(recovered.message);
      return root;
    },
    resolveCwd(dir) {
      const resolved = path.resolve(io.cwd, dir ?? '.');
      if (!isDirectory(resolved)) {
        throw new PowError({
          code: 'POW_CWD_NOT_FOUND',
          message: `--cwd ${dir ?? '.'}: ${resolved} is not a directory.`,
          fix: "Pass the folder that holds your app's package.json, e.g. --cwd ./my-app.",
          exitCode: 2,
        });
      }
      return resolved;
    },
  };
  return ctx;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
