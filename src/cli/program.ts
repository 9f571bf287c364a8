/**
 * The full CLI: commander, the command registry and error reporting. Loaded by run() in main.ts
 * only when a command has no fast path (src/cli/fast-path.ts), so a replayed answer does not pay
 * for loading the commands.
 */
import { Command, CommanderError } from 'commander';
import type { CliIo } from './io.js';
import { createContext } from './context.js';
import { createOutput, formatPowError, powErrorJson } from './output.js';
import { stopAllSpinners } from './progress.js';
import { COMMANDS } from '../commands/index.js';
import { isPowError } from '../shared/pow-error.js';
import type { RunOptions } from './main.js';

const EXIT_HELP = `
Exit codes:
  0  success (also when there is nothing to do)
  1  error (the message says what and how to fix it)
  2  usage error (unknown command or flag, bad flag value)
  3  conflicts, or drift under --check

Run "pow help <command>" for a command's options.`;

export async function runProgram(
  argv: string[],
  io: CliIo,
  options: RunOptions,
  powVersion: string,
  markReplayable: () => void,
): Promise<number> {
  const out = createOutput(io);
  let exitCode = 0;
  const ctx = createContext(
    io,
    out,
    powVersion,
    argv,
    (code) => {
      exitCode = code;
    },
    markReplayable,
  );

  const program = new Command('pow')
    .description('Set up and maintain user authentication (Pow for Express + Prisma) in your app.')
    .version(powVersion, '-v, --version', 'print the pow version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .addHelpText('after', EXIT_HELP)
    .showSuggestionAfterError(true);
  for (const module of options.commands ?? COMMANDS) module.register(program, ctx);
  configureRecursively(program, io);

  const jsonRequested = argv.includes('--json');
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return 2;
    }
    // Commander answers "help <unknown>" with the general help; make it the usual
    // unknown-command error with a suggestion instead.
    const [first, second] = argv;
    const isKnown = (name: string) => program.commands.some((command) => command.name() === name);
    const args =
      first === 'help' && second !== undefined && !second.startsWith('-') && !isKnown(second)
        ? [second]
        : argv;
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    // A command that threw mid-step leaves no spinner line under its error message.
    stopAllSpinners();
    if (error instanceof CommanderError) return commanderExit(error, program, argv, io);
    if (isPowError(error)) {
      if (jsonRequested) out.json(powErrorJson(error));
      io.stderr.write(formatPowError(error));
      if (io.env.DEBUG?.startsWith('pow') && error.stack) io.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `error: this is a bug in pow ${powVersion}: ${message}\n` +
        'Please report it with the command you ran and the output of "pow inspect --json".\n',
    );
    const stack = error instanceof Error ? error.stack : undefined;
    if (stack && (argv.includes('--verbose') || io.env.DEBUG?.startsWith('pow')))
      io.stderr.write(`${stack}\n`);
    return 1;
  }
}

/** exitOverride and the io sinks on every command, however it was added. */
function configureRecursively(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (text) => void io.stdout.write(text),
    writeErr: (text) => void io.stderr.write(text),
    outputError: (text, write) => write(text),
  });
  for (const sub of command.commands) configureRecursively(sub, io);
}

const USAGE_ERRORS = new Set([
  'commander.unknownCommand',
  'commander.unknownOption',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.conflictingOption',
  'commander.excessArguments',
  'commander.invalidArgument',
]);

/**
 * Help and version exit 0; usage mistakes exit 2. Commander has already printed its message
 * (naming the command or flag, with "Did you mean ...?" when one is close); when nothing is
 * close, list what exists instead.
 */
function commanderExit(error: CommanderError, program: Command, argv: string[], io: CliIo): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
  if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
  if (!USAGE_ERRORS.has(error.code)) return error.exitCode === 0 ? 0 : 1;
  if (!error.message.includes('Did you mean')) {
    if (error.code === 'commander.unknownCommand') {
      const names = program.commands.map((command) => command.name());
      io.stderr.write(`Commands: ${names.join(', ')}. Run "pow --help" for details.\n`);
    } else if (error.code === 'commander.unknownOption') {
      const command = program.commands.find((candidate) => argv.includes(candidate.name())) ?? program;
      const flags = command.options
        .map((option) => option.long)
        .filter((flag): flag is string => Boolean(flag));
      const where = command === program ? 'pow' : `pow ${command.name()}`;
      io.stderr.write(`Options of ${where}: ${[...flags, '--help'].join(', ')}.\n`);
    }
  }
  return 2;
}
