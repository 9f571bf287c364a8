/**
 * `pow user create` and `pow user set-password`: accounts from the terminal, for the first admin of
 * a user type whose registration is off, or for an account whose owner is locked out.
 *
 *   pow user create [--namespace NAME | --user-model MODEL] --email ADDRESS [--field NAME=VALUE]...
 *                   [--password-stdin] [--cwd DIR] [--json]
 *   pow user set-password [--namespace NAME | --user-model MODEL] --email ADDRESS
 *                   [--password-stdin] [--cwd DIR] [--json]
 *
 * The password is asked twice without echo on a terminal, or read from stdin with --password-stdin
 * (scripts: `printf '%s' "$PASSWORD" | npx pow user create ... --password-stdin`); it is never a flag,
 * where it would land in the shell history and the process list.
 *
 * The work is done by the app's own pow configuration, in a child process (src/commands/user-task.ts),
 * so the app's rules and database apply. Exit codes: 2 for a missing or bad flag, 1 when the account
 * is refused (the message lists every problem; nothing was written) or the app cannot be loaded.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import type { CommandModule } from './index.js';
import type { CommandContext } from '../cli/context.js';
import type { UserTypeInfo } from '../recipes/user-types.js';
import type { UserTaskAnswer, UserTaskRequest } from './user-task.js';
import { PowError } from '../shared/pow-error.js';

interface UserFlags {
  namespace?: string;
  userModel?: string;
  email?: string;
  field?: string[];
  passwordStdin?: boolean;
  cwd?: string;
  json?: boolean;
}

type Action = UserTaskRequest['action'];

/** How long the app may take to load and answer (the database calls inside have their own deadlines). */
const TASK_DEADLINE_MS = 60_000;

export const command: CommandModule = {
  name: 'user',
  register(program, ctx) {
    const user = program
      .command('user')
      .description('create an account of any user type, or set its password, from the terminal');
    const shared = (sub: Command) =>
      sub
        .option('--namespace <name>', 'the user type of a `gen.templates --namespace` (default: the users)')
        .option('--user-model <name>', 'the user type by its Prisma model, e.g. Admin')
        .option('--email <address>', "the account's e-mail")
        .option('--password-stdin', 'read the password from stdin (for scripts) instead of asking')
        .option('--cwd <dir>', 'project directory (default: the current directory)')
        .option('--json', 'print the result as JSON only');
    shared(
      user
        .command('create')
        .description("create an account with the app's own rules (asks for the password)")
        .option(
          '--field <name=value>',
          "another field of the account the app's sign-up form takes (username, a required column); repeatable",
          repeat,
        ),
    ).action(async (flags: UserFlags) => runUserCommand(ctx, 'create', flags));
    shared(
      user
        .command('set-password')
        .description("set an account's password (asks for it) and end its sessions")
        .option(
          '--field <name=value>',
          'find the account by another sign-in field, e.g. username=ada',
          repeat,
        ),
    ).action(async (flags: UserFlags) => runUserCommand(ctx, 'set-password', flags));
  },
};

/** Repeatable flag; a value may hold commas ("Ada, Countess of Lovelace"), so no splitting. */
function repeat(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function usage(message: string, fix: string): PowError {
  return new PowError({ code: 'POW_INVALID_OPTION', message, fix, exitCode: 2 });
}

async function runUserCommand(ctx: CommandContext, action: Action, flags: UserFlags): Promise<void> {
  const root = ctx.resolveCwd(flags.cwd);
  const fields = parseFields(flags);
  const [{ readManifest }, { listUserTypes }] = await Promise.all([
    import('../generate/manifest.js'),
    import('../recipes/user-types.js'),
  ]);
  const type = selectUserType(listUserTypes(readManifest(root)), flags);
  const command = `pow user ${action}`;
  const idGiven = type.userIdFields.filter((field) => fields[field] !== undefined);
  if (idGiven.length === 0) {
    const [first = 'email'] = type.userIdFields;
    throw usage(
      `${command} needs the account's ${first === 'email' ? 'e-mail' : first}.`,
      first === 'email' ? 'Pass --email <address>.' : `Pass --field ${first}=<value>.`,
    );
  }
  const configPath = requireConfig(root, type);
  const password = await readPassword(ctx, flags, command);
  const lookup = Object.fromEntries(idGiven.map((field) => [field, fields[field]!]));
  const answer = await runInApp(root, ctx.io.env, configPath, {
    action,
    configUrl: pathToFileURL(join(root, configPath)).href,
    fields: action === 'create' ? fields : lookup,
    password,
  });
  if (!answer.ok) throw refused(answer, action, type, Object.values(lookup).join(' '), configPath);
  // As stored (trimmed, lower-cased e-mail), which is how the person will type it to sign in.
  const stored = idGiven.map((field) => answer.user[field] ?? lookup[field]);
  const who = `${type.namespace ?? 'user'} ${stored.join(' ')}`;
  if (flags.json) {
    ctx.out.json({
      action,
      userType: type.userType,
      userModel: type.userModel,
      user: answer.user,
      sessionsEnded: action === 'set-password',
    });
    return;
  }
  const signIn = `${type.mountPath === '/' ? '' : type.mountPath}/session/new`;
  if (action === 'create') {
    ctx.out.line(
      `Created ${who} (${type.userModel} id ${String(answer.user.id)}). It signs in at ${signIn}.`,
    );
  } else {
    ctx.out.line(`Password set for ${who}; its sessions have ended (signed out everywhere).`);
  }
}

/** `--email` and every `--field name=value`; a field given twice or without "=" is a usage error. */
function parseFields(flags: UserFlags): Record<string, string> {
  const out: Record<string, string> = {};
  if (flags.email !== undefined) out.email = flags.email;
  for (const raw of flags.field ?? []) {
    const eq = raw.indexOf('=');
    const name = eq > 0 ? raw.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw usage(`--field ${JSON.stringify(raw)} is not name=value.`, 'Pass e.g. --field username=ada.');
    }
    if (name === 'password' || name === 'password_confirmation') {
      throw usage(
        '--field cannot carry the password: a flag ends up in the shell history and the process list.',
        'Leave it out: pow asks for the password, or reads it from stdin with --password-stdin.',
      );
    }
    if (out[name] !== undefined) throw usage(`--field ${name} is given twice.`, 'Give each field once.');
    out[name] = raw.slice(eq + 1);
  }
  return out;
}

function selectUserType(types: readonly UserTypeInfo[], flags: UserFlags): UserTypeInfo {
  if (types.length === 0) {
    throw new PowError({
      code: 'POW_NOT_INSTALLED',
      message: 'pow user works on a project pow is installed in (no .pow/manifest.json was found).',
      fix: 'Run it in the folder of your app (or pass --cwd), after `npx pow install`.',
    });
  }
  const known = types.map((t) =>
    t.namespace === null ? `the users (${t.userModel})` : `--namespace ${t.namespace} (${t.userModel})`,
  );
  const listed = `This project has: ${known.join(', ')}.`;
  if (flags.namespace !== undefined) {
    const found = types.find((t) => t.namespace === flags.namespace);
    if (!found) throw usage(`--namespace ${flags.namespace}: pow set up no such user type here.`, listed);
    if (flags.userModel !== undefined && flags.userModel !== found.userModel) {
      throw usage(
        `--namespace ${flags.namespace} is the ${found.userModel} model, not ${flags.userModel}.`,
        'Pass one of the two.',
      );
    }
    return found;
  }
  if (flags.userModel !== undefined) {
    const matching = types.filter((t) => t.userModel === flags.userModel);
    if (matching.length === 0)
      throw usage(`--user-model ${flags.userModel}: no user type of this project uses that model.`, listed);
    if (matching.length > 1) {
      throw usage(
        `--user-model ${flags.userModel} is the model of several user types.`,
        `Name the one you mean with --namespace (leave it out for the users). ${listed}`,
      );
    }
    return matching[0]!;
  }
  return types[0]!;
}

function requireConfig(root: string, type: UserTypeInfo): string {
  const path = type.configPath;
  if (path !== null && existsSync(join(root, path))) return path;
  const regenerate =
    type.namespace === null
      ? 'npx pow install --force'
      : `npx pow gen.templates --namespace ${type.namespace} --force`;
  throw new PowError({
    code: 'POW_CONFIG_MODULE_MISSING',
    message: `The pow configuration module of ${type.namespace ?? 'the users'} ${path === null ? 'is not in .pow/manifest.json' : `(${path}) is missing`}, so pow cannot load the app's rules.`,
    fix: `Restore it from version control, or write it again with \`${regenerate}\`.`,
  });
}

/** The password: from stdin with --password-stdin, else asked twice without echo on a terminal. */
async function readPassword(ctx: CommandContext, flags: UserFlags, command: string): Promise<string> {
  if (flags.passwordStdin) {
    const stdin = ctx.io.stdin;
    let text = '';
    if (stdin) for await (const chunk of stdin) text += String(chunk);
    // `echo "$PASSWORD" |` adds one line break; it is not part of the password.
    const password = text.replace(/\r?\n$/, '');
    if (password === '') {
      throw usage(
        '--password-stdin: stdin was empty.',
        `Pipe the password in, e.g. printf '%s' "$PASSWORD" | npx ${command} ... --password-stdin.`,
      );
    }
    return password;
  }
  if (!ctx.io.isTTY || flags.json) {
    throw usage(
      `${command} asks for the password on a terminal, and this is not one.`,
      `Pipe it in with --password-stdin, e.g. printf '%s' "$PASSWORD" | npx ${command} ... --password-stdin.`,
    );
  }
  const prompts = (await import('prompts')).default;
  // "invisible": nothing is echoed, not even a mask, so the length does not show either.
  const answers = (await prompts([
    { type: 'invisible', name: 'password', message: 'Password (not shown)' },
    { type: 'invisible', name: 'again', message: 'The same password again' },
  ])) as { password?: string; again?: string };
  if (answers.password === undefined || answers.again === undefined) {
    throw new PowError({ code: 'POW_CANCELLED', message: 'Cancelled: nothing was written.' });
  }
  if (answers.password !== answers.again) {
    throw new PowError({
      code: 'POW_PASSWORD_MISMATCH',
      message: 'The two passwords differ: nothing was written.',
      fix: `Run \`npx ${command}\` again and type the same password twice.`,
    });
  }
  return answers.password;
}

/** The app's environment as its entry would load it: .env under the process environment. */
async function appEnv(
  root: string,
  env: Record<string, string | undefined>,
): Promise<Record<string, string>> {
  const { parseDotenv } = await import('./migrate.js');
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseDotenv(readFileSync(join(root, '.env'), 'utf8'));
  } catch {
    // No .env: the environment alone.
  }
  const out: Record<string, string> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** The child's entry: the compiled module next to this one (its .ts source when run from src/). */
function taskModule(): string {
  const js = fileURLToPath(new URL('./user-task.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('./user-task.ts', import.meta.url));
}

function runInApp(
  root: string,
  env: Record<string, string | undefined>,
  configPath: string,
  request: UserTaskRequest,
): Promise<UserTaskAnswer> {
  const args: string[] = [];
  if (/\.[mc]?ts$/.test(configPath)) {
    // A TypeScript app: its own tsx loads the configuration module (and its `.js` imports of `.ts` files).
    try {
      args.push('--import', pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href);
    } catch {
      throw new PowError({
        code: 'POW_TSX_MISSING',
        message: `pow user loads ${configPath}, a TypeScript file, with the app's tsx, and tsx is not installed in this project.`,
        fix: 'Install it as a development dependency: npm install --save-dev tsx',
      });
    }
  }
  args.push(taskModule());
  return appEnv(root, env).then(
    (childEnv) =>
      new Promise<UserTaskAnswer>((resolve, reject) => {
        const child = spawn(process.execPath, args, {
          cwd: root,
          env: { ...childEnv, POW_USER_TASK: '1' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), TASK_DEADLINE_MS);
        child.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          const last = stdout.trim().split('\n').pop() ?? '';
          try {
            resolve(JSON.parse(last) as UserTaskAnswer);
          } catch {
            reject(
              new PowError({
                code: 'POW_APP_LOAD_FAILED',
                message:
                  signal === 'SIGKILL'
                    ? `Loading the app's pow configuration (${configPath}) did not finish within ${TASK_DEADLINE_MS / 1000} s; nothing was written.`
                    : `Loading the app's pow configuration (${configPath}) failed (exit ${String(code)}); nothing was written.\n${stderr.trim()}`,
                fix: `Check that the app starts (its imports resolve, its database is reachable), then run the command again.`,
              }),
            );
          }
        });
        child.stdin.end(JSON.stringify(request));
      }),
  );
}

function refused(
  answer: Exclude<UserTaskAnswer, { ok: true }>,
  action: Action,
  type: UserTypeInfo,
  account: string,
  configPath: string,
): PowError {
  const who = `${type.namespace ?? 'user'} ${account}`;
  const flag = type.namespace === null ? '' : ` --namespace ${type.namespace}`;
  switch (answer.kind) {
    case 'invalid': {
      const problems = Object.entries(answer.errors).flatMap(([field, list]) =>
        list.map((error) => `${field} ${error.message}`),
      );
      const taken = Object.values(answer.errors).some((list) =>
        list.some((e) => e.key === 'errors.taken' || /already been taken/.test(e.message)),
      );
      return new PowError({
        code: 'POW_USER_INVALID',
        message: `${action === 'create' ? `Could not create ${who}` : `Could not set the password of ${who}`}: ${problems.join('; ')}. Nothing was written.`,
        fix: taken
          ? `That account exists: set its password with \`npx pow user set-password${flag} ...\`, or choose another.`
          : 'Correct what is listed and run the command again (a password: a passphrase of several words is easiest).',
      });
    }
    case 'not-found':
      return new PowError({
        code: 'POW_USER_NOT_FOUND',
        message: `No ${type.namespace ?? 'user'} account matches ${account}. Nothing was written.`,
        fix: `Check the spelling, or create the account with \`npx pow user create${flag} ...\`.`,
      });
    case 'no-pow':
      return new PowError({
        code: 'POW_CONFIG_MODULE_INVALID',
        message: `${configPath} exports no \`pow\` (createPow(...)); it exports: ${answer.exports.join(', ') || 'nothing'}.`,
        fix: `Export the result of createPow as \`pow\` from ${configPath}, as pow generated it.`,
      });
    case 'failed':
      return new PowError({
        code: answer.code ?? 'POW_APP_LOAD_FAILED',
        message: `${answer.message} Nothing was written.`,
        fix:
          answer.code === 'POW_STORE_UNAVAILABLE' ||
          /unavailable|ECONNREFUSED|timed out/i.test(answer.message)
            ? 'Check that the database in the app’s DATABASE_URL is up and reachable, then run the command again.'
            : `Check that the app starts with the same environment (its .env), then run the command again.`,
      });
  }
}
