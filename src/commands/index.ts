/**
 * The command registry: one module per command, in the order `pow --help` lists them.
 *
 * Adding a command (e.g. `pow status`):
 *   1. Create `src/commands/status.ts` (dots in a command name become dashes:
 *      `gen.templates` → `gen-templates.ts`) exporting
 *
 *        export const command: CommandModule = {
 *          name: 'status',
 *          register(program, ctx) {
 *            program
 *              .command('status')
 *              .description('One line for the command list.')
 *              .option('--cwd <dir>', 'project directory (default: the current directory)')
 *              .action(async (options: { cwd?: string }) => {
 *                const root = ctx.openProject(options.cwd); // finishes an interrupted run first
 *                ...                       // print with ctx.out, never with console/process
 *                if (drift) ctx.setExitCode(3);
 *              });
 *          },
 *        };
 *
 *   2. Add it to COMMANDS below.
 *
 * Rules for `register`:
 *   - Create the command with `program.command(name)` (run() also applies exitOverride and the
 *     io sinks to every command, so `new Command()` + `addCommand` works too).
 *   - Declare every option: unknown flags are usage errors (exit 2) with a suggestion.
 *   - Expected failures throw a PowError (message + fix + exitCode); anything else is reported
 *     as a bug. Never call process.exit or set process.exitCode (only bin/pow.js does).
 *   - Import heavy modules (ts-morph, prisma-ast, ejs) with `await import()` inside the action,
 *     so `pow --help` and `pow --version` stay fast.
 *   - `--json` prints JSON only on stdout (run() also prints PowErrors as JSON when --json is given).
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { command as inspect } from './inspect.js';
import { command as install } from './install.js';
import { command as migrate } from './migrate.js';
import { command as status } from './status.js';
import { command as diff } from './diff.js';
import { command as genTemplates } from './gen-templates.js';
import { command as user } from './user.js';

export interface CommandModule {
  /** The command's name as typed (`inspect`, `gen.templates`). */
  readonly name: string;
  /** Adds the command, its options and its action to `program`. */
  register(program: Command, ctx: CommandContext): void;
}

export const COMMANDS: readonly CommandModule[] = [
  install,
  genTemplates,
  migrate,
  user,
  status,
  diff,
  inspect,
];
