import type { Command } from 'commander';
import type { CommandModule } from './index.js';
import type { CommandContext } from '../cli/context.js';
import type { InstallOptions } from '../recipes/install.js';
import type { Plan } from '../generate/plan.js';
import type { SessionStoreKind, UserIdType } from '../prisma/ensure-auth-schema.js';
import type { ExtensionName } from '../runtime/core/types.js';
import { PowError } from '../shared/pow-error.js';
import { EXTENSION_NAMES } from '../runtime/core/extension-names.js';
import { checkOAuthChoice, checkProviderSpecs, mergeProviders } from '../recipes/oauth-providers.js';
import { canPrompt, collect, confirmWrite } from '../cli/prompting.js';
import { generationJson, reportGeneration } from '../cli/report-generation.js';
import { createProgress } from '../cli/progress.js';
import { testPauseFromEnv } from '../generate/test-pause.js';
import { apiRoutesNote, powPathCollisionsNote } from '../inspect/api-routes-note.js';
import type { ProjectInfo } from '../inspect/project-info.js';

/** Commander's parsed flags of `pow install`. */
interface InstallFlags {
  userModel?: string;
  userIdField?: string[];
  sessionStore?: string;
  idType?: string;
  registration: boolean;
  extension?: string[];
  provider?: string[];
  dryRun?: boolean;
  diff?: boolean;
  force?: boolean;
  mergeConflicts?: boolean;
  reapply?: string[];
  includeSchemaChanges?: boolean;
  yes?: boolean;
  cwd?: string;
  json?: boolean;
}

const STORES: readonly SessionStoreKind[] = ['prisma', 'redis', 'memory'];
const ID_TYPES: Record<string, UserIdType> = {
  int: 'Int',
  uuid: 'String-uuid',
  cuid: 'String-cuid',
};
const EXTENSIONS = EXTENSION_NAMES;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(message: string, fix: string): PowError {
  return new PowError({ code: 'POW_INVALID_OPTION', message, fix, exitCode: 2 });
}

/** The install options given on the command line, validated (exit 2 on a bad value). */
export function parseInstallFlags(
  flags: InstallFlags,
  given: (name: keyof InstallFlags) => boolean,
): Partial<InstallOptions> {
  const out: Partial<InstallOptions> = {};
  if (flags.userModel !== undefined) {
    if (!NAME.test(flags.userModel)) {
      throw invalid(
        `--user-model ${JSON.stringify(flags.userModel)} is not a Prisma model name.`,
        'Pass a model name made of letters, digits and underscores, e.g. --user-model Account.',
      );
    }
    out.userModel = flags.userModel;
  }
  if (flags.userIdField !== undefined) {
    if (flags.userIdField.length === 0) {
      throw invalid('--user-id-field needs a field name.', 'Pass e.g. --user-id-field email.');
    }
    const seen = new Set<string>();
    for (const field of flags.userIdField) {
      if (!FIELD.test(field)) {
        throw invalid(
          `--user-id-field ${JSON.stringify(field)} is not a Prisma field name.`,
          'Pass field names such as --user-id-field email --user-id-field username.',
        );
      }
      if (seen.has(field)) {
        throw invalid(`--user-id-field ${field} is given twice.`, 'List each field once.');
      }
      seen.add(field);
    }
    out.userIdFields = flags.userIdField;
  }
  if (flags.sessionStore !== undefined) {
    if (!(STORES as readonly string[]).includes(flags.sessionStore)) {
      throw invalid(
        `--session-store ${JSON.stringify(flags.sessionStore)} is not a session store pow knows.`,
        'Choose --session-store prisma (database, the default), redis or memory.',
      );
    }
    out.sessionStore = flags.sessionStore as SessionStoreKind;
  }
  if (flags.idType !== undefined) {
    const idType = ID_TYPES[flags.idType.toLowerCase()];
    if (!idType) {
      throw invalid(
        `--id-type ${JSON.stringify(flags.idType)} is not an id type pow knows.`,
        'Choose --id-type int (autoincrement, the default), uuid or cuid.',
      );
    }
    out.idType = idType;
  }
  if (given('registration')) out.registration = flags.registration;
  if (flags.extension !== undefined) {
    const seen = new Set<string>();
    for (const name of flags.extension) {
      if (!(EXTENSIONS as readonly string[]).includes(name)) {
        throw invalid(
          `--extension ${JSON.stringify(name)} is not a pow extension.`,
          `Choose from: ${EXTENSIONS.join(', ')}.`,
        );
      }
      if (seen.has(name)) throw invalid(`--extension ${name} is given twice.`, 'List each extension once.');
      seen.add(name);
    }
    out.extensions = flags.extension as ExtensionName[];
  }
  if (flags.provider !== undefined) out.oauthProviders = checkProviderSpecs(flags.provider);
  return out;
}

/** The clock for the migration timestamp: POW_NOW (ISO date or epoch milliseconds) or the real time. */
export function clockFrom(env: Record<string, string | undefined>): () => Date {
  const frozen = env.POW_NOW;
  if (frozen === undefined || frozen === '') return () => new Date();
  const date = /^\d+$/.test(frozen) ? new Date(Number(frozen)) : new Date(frozen);
  if (Number.isNaN(date.getTime())) {
    throw invalid(
      `POW_NOW=${JSON.stringify(frozen)} is not a date.`,
      'Set POW_NOW to an ISO date (2026-01-31T12:00:00Z) or epoch milliseconds, or unset it.',
    );
  }
  return () => date;
}

/** A person can answer questions: a TTY, not CI, no --yes, no --json. */

/** The questions of an interactive install, for the options the flags left open. */
async function askOptions(
  open: (keyof InstallOptions)[],
  defaults: InstallOptions,
  userModelExists: (name: string) => boolean,
): Promise<Partial<InstallOptions>> {
  const prompts = (await import('prompts')).default;
  let cancelled = false;
  const onCancel = () => {
    cancelled = true;
    return false;
  };
  const answers: Partial<InstallOptions> = {};
  const ask = async (question: Record<string, unknown>): Promise<unknown> => {
    const result = (await prompts({ name: 'value', ...question } as never, { onCancel })) as {
      value?: unknown;
    };
    if (cancelled) {
      throw new PowError({ code: 'POW_CANCELLED', message: 'Cancelled; nothing was written.', exitCode: 1 });
    }
    return result.value;
  };
  if (open.includes('userModel')) {
    answers.userModel = String(
      await ask({
        type: 'text',
        message: 'Prisma model that holds the users',
        initial: defaults.userModel,
        validate: (v: string) => NAME.test(v) || 'Letters, digits and underscores, e.g. User',
      }),
    );
  }
  if (open.includes('userIdFields')) {
    const value = String(
      await ask({
        type: 'text',
        message: 'Fields people sign in with (comma-separated, first one required)',
        initial: defaults.userIdFields.join(', '),
        validate: (v: string) =>
          collect(v, []).length > 0 && collect(v, []).every((f) => FIELD.test(f))
            ? true
            : 'e.g. email, username',
      }),
    );
    answers.userIdFields = collect(value, []);
  }
  if (open.includes('sessionStore')) {
    const choices = [
      { title: 'prisma: a table in your database (survives restarts)', value: 'prisma' },
      { title: 'redis: a Redis server (REDIS_URL)', value: 'redis' },
      { title: 'memory: this process only (lost on restart; development)', value: 'memory' },
    ];
    answers.sessionStore = (await ask({
      type: 'select',
      message: 'Where should sessions live?',
      choices,
      initial: Math.max(
        0,
        choices.findIndex((c) => c.value === defaults.sessionStore),
      ),
    })) as SessionStoreKind;
  }
  const model = answers.userModel ?? defaults.userModel;
  if (open.includes('idType') && !userModelExists(model)) {
    const choices = [
      { title: 'Int (autoincrement)', value: 'Int' },
      { title: 'String (uuid)', value: 'String-uuid' },
      { title: 'String (cuid)', value: 'String-cuid' },
    ];
    answers.idType = (await ask({
      type: 'select',
      message: `Primary key of the new ${model} model`,
      choices,
      initial: Math.max(
        0,
        choices.findIndex((c) => c.value === defaults.idType),
      ),
    })) as UserIdType;
  }
  if (open.includes('registration')) {
    answers.registration = Boolean(
      await ask({
        type: 'confirm',
        message: 'Let people register (sign-up pages)?',
        initial: defaults.registration,
      }),
    );
  }
  if (open.includes('extensions')) {
    answers.extensions = (await ask({
      type: 'multiselect',
      message: 'Extensions',
      choices: EXTENSIONS.map((name) => ({
        title: name,
        value: name,
        selected: defaults.extensions.includes(name),
      })),
      hint: 'space to select, enter to confirm',
      instructions: false,
    })) as ExtensionName[];
  }
  return answers;
}

/** `pow install`: adds pow to an Express + Prisma app (see src/recipes/install.ts). */
export const command: CommandModule = {
  name: 'install',
  register(program, ctx) {
    program
      .command('install')
      .description(
        'add sign-in, registration and sessions to the app: Prisma schema + migration, controllers, routes, views, wiring',
      )
      .option('--user-model <name>', 'Prisma model that holds the users (default: User)')
      .option(
        '--user-id-field <field>',
        'field people sign in with; repeat for more (default: email)',
        collect,
      )
      .option('--session-store <store>', 'where sessions live: prisma (default), redis or memory')
      .option('--id-type <type>', 'primary key of a User model pow creates: int (default), uuid or cuid')
      .option('--registration', 'sign-up pages (the default; turns an earlier --no-registration back on)')
      .option('--no-registration', 'no sign-up pages (accounts are created another way)')
      .option('--extension <name>', `enable an extension; repeatable (${EXTENSIONS.join(', ')})`, collect)
      .option(
        '--provider <provider>',
        "oauth extension: github, google or oidc:<name>; repeatable, added to the earlier runs' providers",
        collect,
      )
      .option('--dry-run', 'print what would change; write nothing')
      .option('--diff', 'show the diff of every file that changes (combine with --dry-run to review only)')
      .option('--force', 'overwrite files you changed (the diff is shown)')
      .option('--merge-conflicts', "write conflict markers into files where your edits and pow's clash")
      .option(
        '--reapply <id>',
        'restore a change pow made to one of your files that you removed; repeatable',
        collect,
      )
      .option(
        '--include-schema-changes',
        "schema changes of yours that have no migration yet: write them as their own migration, before pow's",
      )
      .option('-y, --yes', 'ask nothing: use flags, earlier answers and defaults')
      .option('--cwd <dir>', 'project directory (default: the current directory)')
      .option('--json', 'print the result as JSON only')
      .action(async (flags: InstallFlags, cmd: Command) => {
        await install(ctx, flags, cmd);
      });
  },
};

/** What install tells `--json` callers about the app's API routes and routes at pow's paths (all facts: `pow inspect --json`). */
function apiRoutesJson(project: ProjectInfo) {
  const appRoutes = project.appRoutes ?? { routes: [], apiRoutes: 0, apiWriteRoutes: 0 };
  return {
    count: appRoutes.apiRoutes,
    writes: appRoutes.apiWriteRoutes,
    note: apiRoutesNote(appRoutes),
    atPowPaths: appRoutes.routes.filter((route) => route.powPath),
    collisionNote: powPathCollisionsNote(appRoutes),
  };
}

async function install(ctx: CommandContext, flags: InstallFlags, cmd: Command): Promise<void> {
  const root = ctx.openProject(flags.cwd);
  const given = parseInstallFlags(flags, (name) => cmd.getOptionValueSource(name) === 'cli');
  const now = clockFrom(ctx.io.env);

  // A spinner on stderr for the slow steps, on an interactive terminal only (src/cli/progress.ts).
  const progress = createProgress(ctx.io, flags.json ? { enabled: false } : {});
  // Stopped once the project is inspected (or by run() in src/cli/main.ts when a step throws).
  const inspecting = progress.start('Inspecting the project');
  // Loaded on use: ts-morph, prisma-ast, ejs and the schema engine are heavy.
  const [{ inspectProject }, recipe, { readManifest }, render, colors] = await Promise.all([
    import('../inspect/inspect-project.js'),
    import('../recipes/install.js'),
    import('../generate/manifest.js'),
    import('../generate/render-plan.js'),
    import('../generate/colors.js'),
  ]);

  const previous = recipe.previousInstallOptions(readManifest(root));
  const defaults: InstallOptions = { ...recipe.DEFAULT_INSTALL_OPTIONS, ...previous };
  const isInteractive = canPrompt(ctx, flags);
  let options: InstallOptions = { ...defaults, ...given };
  // --extension adds to the extensions of earlier runs (src/recipes/extensions.ts).
  if (given.extensions) {
    const { mergeExtensions } = await import('../recipes/extensions.js');
    options.extensions = mergeExtensions(previous?.extensions, given.extensions);
  }
  // --provider adds to the providers of earlier runs the same way (src/recipes/oauth-providers.ts).
  if (given.oauthProviders)
    options.oauthProviders = mergeProviders(previous?.oauthProviders, given.oauthProviders);
  checkOAuthChoice(options.extensions, options.oauthProviders, 'npx pow install');
  // No --user-model and no earlier run: the users model is detected (`user`, `@@map("users")`...).
  const namedUserModel = given.userModel ?? previous?.userModel;
  let project = await inspectProject(root, { userModel: namedUserModel });
  if (namedUserModel === undefined && project.prisma?.userModel) {
    defaults.userModel = project.prisma.userModel.name;
    options.userModel = project.prisma.userModel.name;
  }
  inspecting.stop();
  if (isInteractive) {
    const open = (Object.keys(defaults) as (keyof InstallOptions)[]).filter(
      (key) => given[key] === undefined,
    );
    const models = new Set(project.prisma?.models ?? []);
    const answers = await askOptions(open, defaults, (name) => models.has(name));
    options = { ...options, ...answers };
    if (options.userModel !== project.prisma?.userModel?.name && models.has(options.userModel)) {
      project = await inspectProject(root, { userModel: options.userModel });
    }
  }

  const c = colors.createColors(!flags.json && colors.colorsEnabled(ctx.io.env, ctx.io.isTTY));
  const printPlan = (plan: Plan, dryRun: boolean) => {
    for (const line of render.renderPlan(plan, { colors: c, diff: flags.diff, dryRun })) ctx.out.line(line);
  };
  let shown = false;
  const planning = progress.start(
    "Planning the changes (schema, migration from Prisma's schema engine, files)",
  );
  const outcome = await recipe
    .runInstall({
      root,
      project,
      options,
      powVersion: ctx.version,
      now,
      env: ctx.io.env,
      onStep: testPauseFromEnv(ctx.io.env),
      flags: {
        dryRun: flags.dryRun,
        force: flags.force,
        mergeConflicts: flags.mergeConflicts,
        reapply: flags.reapply,
      },
      schemaChanges: flags.includeSchemaChanges ? 'include' : flags.dryRun ? 'report' : 'refuse',
      confirmSchemaChanges: isInteractive
        ? async (drift, name) => {
            planning.stop();
            ctx.out.line(`Your schema has changes that no migration creates: ${drift.changes.join(', ')}.`);
            const prompts = (await import('prompts')).default;
            const answer = (await prompts({
              type: 'confirm',
              name: 'value',
              message: `Write them as their own migration (${name}) before pow's? (No: stop, so you run \`prisma migrate dev\` first)`,
              initial: false,
            })) as { value?: boolean };
            return answer.value === true;
          }
        : undefined,
      confirm: isInteractive
        ? async (plan) => {
            planning.stop();
            printPlan(plan, false);
            shown = true;
            ctx.out.line();
            return confirmWrite();
          }
        : undefined,
    })
    .finally(() => planning.stop());

  const { plan, applied } = outcome.result;
  const { isNoop } = await import('../generate/plan.js');
  const noop = isNoop(plan);
  // Nothing written: a re-run with the same inputs gives the same answer (src/cli/fast-path.ts).
  if (noop && ctx.recovered === null && outcome.result.exitCode === 0) ctx.markReplayable();
  const [{ listUserTypes, signUpLines }, { exec }] = await Promise.all([
    import('../recipes/user-types.js'),
    import('../recipes/templates.js'),
  ]);
  const userTypes = listUserTypes(readManifest(root), [
    { namespace: null, userModel: options.userModel, registration: options.registration },
  ]);
  if (flags.json) {
    ctx.out.json({
      ...generationJson(render.summarizePlan(plan), applied, Boolean(flags.dryRun), noop),
      options,
      migration: outcome.migration,
      migrationHistory: outcome.schemaStep,
      dependenciesAdded: outcome.dependenciesAdded,
      nextSteps: outcome.nextSteps,
      apiRoutes: apiRoutesJson(project),
      signUp: userTypes.map(({ namespace, userType, userModel, registration }) => ({
        namespace,
        userType,
        userModel,
        registration,
      })),
    });
    ctx.setExitCode(outcome.result.exitCode);
    return;
  }

  const goOn = reportGeneration(ctx, {
    command: 'pow install',
    plan,
    applied,
    shown,
    dryRun: Boolean(flags.dryRun),
    interactive: isInteractive,
    upToDate: noop,
    printPlan,
  });
  if (!goOn) return;
  const routeNotes = project.appRoutes
    ? [apiRoutesNote(project.appRoutes), powPathCollisionsNote(project.appRoutes)]
    : [];
  for (const note of routeNotes) {
    if (note === null) continue;
    ctx.out.line('');
    ctx.out.line(note);
  }
  ctx.out.line('');
  for (const line of signUpLines(userTypes, exec(project))) ctx.out.line(line);
  if (!noop) {
    ctx.out.line('');
    ctx.out.line(c.bold('Next steps:'));
    // The "    # why" comment after a command is dimmed, so the command stands out.
    outcome.nextSteps.forEach((step, index) =>
      ctx.out.line(`  ${index + 1}. ${step.replace(/ {2,}# .*$/, (comment) => c.dim(comment))}`),
    );
  }
  ctx.setExitCode(outcome.result.exitCode);
}
