import { readFileSync } from 'node:fs';
import type { CliIo } from './io.js';
import type { CommandModule } from '../commands/index.js';
import { fastPathFor } from './fast-path.js';
import { migrateFastPath } from './migrate-fast-path.js';

export type { CliIo } from './io.js';

/** pow's version, read from its package.json (two levels up from both src/cli and dist/cli). */
export const POW_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface RunOptions {
  /** The commands to offer (default: COMMANDS from src/commands/index.ts); tests pass their own. */
  commands?: readonly CommandModule[];
}

/**
 * Runs the pow CLI on `argv` (the arguments after `pow`) and returns the exit code. Never exits
 * the process and never touches `process`: all output goes to `io`, so tests drive it in-process
 * and `bin/pow.js` alone sets process.exitCode.
 *
 * Exit codes: 0 ok, 1 error, 2 usage error, 3 conflicts or drift (see EXIT_HELP in program.ts).
 */
export async function run(argv: string[], io: CliIo, options: RunOptions = {}): Promise<number> {
  // A re-run whose inputs are unchanged answers at once (src/cli/fast-path.ts, migrate-fast-path.ts).
  if (!options.commands) {
    const migrated = await migrateFastPath(argv, io, POW_VERSION);
    if (migrated !== null) return migrated;
  }
  const fast = options.commands ? null : fastPathFor(argv, io, POW_VERSION);
  const replayed = fast?.replay() ?? null;
  if (replayed !== null) return replayed;
  const { runProgram } = await import('./program.js');
  const code = await runProgram(argv, fast?.io ?? io, options, POW_VERSION, () => fast?.markReplayable());
  fast?.record(code);
  return code;
}
