/**
 * The part of `pow user` that runs inside the app: a child process started by src/commands/user.ts
 * in the app's folder, with the app's environment (its .env) and, for a TypeScript app, its `tsx`
 * loader. It imports the app's own pow configuration module and creates the user or sets the
 * password through that module's `pow`, so every rule the app's sign-up form applies applies here
 * too: the password policy, e-mail validation and normalisation, uniqueness, the `userFields` the
 * form accepts and the `userDefaults` pow writes into the app's own columns, through the app's
 * Prisma client and database URL.
 *
 * Protocol: one JSON `UserTaskRequest` on stdin (the password travels there, never in argv or the
 * environment), one JSON `UserTaskAnswer` on stdout, exit code 0 either way.
 */
import type { FieldErrors, Pow, UserRecord } from '../runtime/core/types.js';

export interface UserTaskRequest {
  action: 'create' | 'set-password';
  /** file: URL of the app's configuration module (e.g. src/pow/admin/config.ts). */
  configUrl: string;
  /** create: the account's fields (`email`, the app's own `userFields`); set-password: the lookup. */
  fields: Record<string, string>;
  password: string;
}

/** The account as reported back: its id and sign-in fields, never a hash. */
export type ReportedUser = Record<string, string | number | null>;

export type UserTaskAnswer =
  | { ok: true; user: ReportedUser }
  | { ok: false; kind: 'invalid'; errors: FieldErrors }
  | { ok: false; kind: 'not-found' }
  | { ok: false; kind: 'no-pow'; exports: string[] }
  | { ok: false; kind: 'failed'; code: string | null; message: string };

function isPow(value: unknown): value is Pow {
  const users = (value as { users?: { create?: unknown } } | null)?.users;
  return typeof users?.create === 'function';
}

/** `export const pow` of an ES module, or `exports.pow` of a CommonJS one (under `default`). */
function powOf(module: Record<string, unknown>): Pow | null {
  const candidates = [module.pow, (module.default as Record<string, unknown> | undefined)?.pow];
  return candidates.find(isPow) ?? null;
}

function report(user: UserRecord, fields: readonly string[]): ReportedUser {
  const out: ReportedUser = { id: user.id };
  for (const field of fields) {
    const value = (user as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number' || value === null) out[field] = value;
  }
  return out;
}

/**
 * The first query of a fresh process opens the database and loads Prisma's query compiler; on a
 * busy machine that alone can outlast the store deadline the app's requests get (2 s by default),
 * which then reports an outage. A read that finds nothing opens both, retried a few times; a real
 * outage still fails the command below, with pow's message.
 */
async function warmUp(pow: Pow): Promise<void> {
  const [field = 'email'] = pow.userIdFields;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await pow.users.getBy({ [field]: 'warm-up@pow.invalid' });
      return;
    } catch {
      // Tried again; the operation itself reports a lasting outage.
    }
  }
}

export async function runUserTask(request: UserTaskRequest): Promise<UserTaskAnswer> {
  const module = (await import(request.configUrl)) as Record<string, unknown>;
  const pow = powOf(module);
  if (pow === null) return { ok: false, kind: 'no-pow', exports: Object.keys(module) };
  const idFields = pow.userIdFields;
  await warmUp(pow);
  if (request.action === 'create') {
    const result = await pow.users.create({
      ...request.fields,
      password: request.password,
      // The command asked twice (or the script gave it once on purpose): the confirmation is the password.
      password_confirmation: request.password,
    });
    return result.ok ? { ok: true, user: report(result.value, idFields) } : invalid(result.errors);
  }
  const user = await pow.users.getBy(request.fields);
  if (user === null) return { ok: false, kind: 'not-found' };
  const result = await pow.users.setPassword(user, request.password);
  if (!result.ok) return invalid(result.errors);
  // The old password may be known to someone else: every session of the account ends.
  await pow.sessions.revokeAll(user.id);
  return { ok: true, user: report(result.value, idFields) };
}

function invalid(errors: FieldErrors): UserTaskAnswer {
  return { ok: false, kind: 'invalid', errors };
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

/** Entry point when started as the child process; answers and exits (the app's pools stay open). */
async function main(): Promise<void> {
  let answer: UserTaskAnswer;
  try {
    answer = await runUserTask(JSON.parse(await readStdin()) as UserTaskRequest);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    answer = {
      ok: false,
      kind: 'failed',
      code: typeof e?.code === 'string' ? e.code : null,
      message: typeof e?.message === 'string' ? e.message : String(error),
    };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`, () => process.exit(0));
}

if (process.env.POW_USER_TASK === '1') await main();
