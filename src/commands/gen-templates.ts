/**
 * `pow gen.templates [--namespace NAME] [--user-model MODEL] [--only GROUPS] [--[no-]registration]
 * [--extension NAME] [--dry-run] [--diff] [--force] [--merge-conflicts] [--yes] [--cwd DIR] [--json]`
 *
 * Without --namespace: re-emits the views and controllers `pow install` wrote (its answers apply).
 * With --namespace admin: a complete second user type mounted at /admin (src/recipes/templates.ts).
 * Exit codes: 2 for a bad flag value, 1 when the project is not installed or the namespace's folders
 * hold files pow did not write, 3 when a file conflicts.
 */
import type { Command } from 'commander';
import type { CommandModule } from './index.js';
import type { CommandContext } from '../cli/context.js';
import type { Plan } from '../generate/plan.js';
import type { ExtensionName } from '../runtime/core/types.js';
import { testPauseFromEnv } from '../generate/test-pause.js';
import { PowError } from '../shared/pow-error.js';
import { canPrompt, collect, confirmWrite } from '../cli/prompting.js';
import { generationJson, reportGeneration } from '../cli/report-generation.js';
import { clockFrom, parseInstallFlags } from './install.js';

interface GenTemplatesFlags {
  namespace?: string;
  userModel?: string;
  only?: string[];
  registration?: boolean;
  extension?: string[];
  provider?: string[];
  dryRun?: boolean;
  diff?: boolean;
  force?: boolean;
  mergeConflicts?: boolean;
  yes?: boolean;
  cwd?: string;
  json?: boolean;
}

export const command: CommandModule = {
  name: 'gen.templates',
  register(program, ctx) {
    program
      .command('gen.templates')
      .description(
        "pow's views and controllers: re-emit the default users' set, or a second user type side by side (--namespace admin)",
      )
      .option(
        '--namespace <name>',
        'a second user type with its own pages, cookie and model, mounted at /<name>',
      )
      .option(
        '--user-model <name>',
        'Prisma model of the namespace (default: its name in PascalCase, e.g. Admin)',
      )
      .option(
        '--only <groups>',
        're-emit only these page groups: layout, session, registration, reset-password, email-confirmation, invitation',
        collect,
      )
      .option(
        '--registration',
        'public sign-up pages for the namespace (off unless given: accounts come from `pow user create`)',
      )
      .option('--no-registration', 'no sign-up pages for the namespace (the default)')
      .option('--extension <name>', 'enable an extension for the namespace; repeatable', collect)
      .option(
        '--provider <provider>',
        'oauth extension of the namespace: github, google or oidc:<name>; repeatable',
        collect,
      )
      .option('--dry-run', 'print what would change; write nothing')
      .option('--diff', 'show the diff of every file that changes')
      .option('--force', 'overwrite files you changed, and write next to files pow did not write')
      .option('--merge-conflicts', "write conflict markers into files where your edits and pow's clash")
      .option('-y, --yes', 'ask nothing')
      .option('--cwd <dir>', 'project directory (default: the current directory)')
      .option('--json', 'print the result as JSON only')
      .action(async (flags: GenTemplatesFlags, cmd: Command) => {
        await genTemplates(ctx, flags, cmd);
      });
  },
};

async function genTemplates(ctx: CommandContext, flags: GenTemplatesFlags, cmd: Command): Promise<void> {
  const root = ctx.openProject(flags.cwd);
  const fromCli = (name: string) => cmd.getOptionValueSource(name) === 'cli';
  // The same checks (and messages) as pow install for the flags both commands have.
  const checked = parseInstallFlags(
    {
      userModel: flags.userModel,
      extension: flags.extension,
      provider: flags.provider,
      registration: flags.registration ?? true,
    },
    (name) => fromCli(name),
  );
  if (flags.namespace !== undefined && flags.namespace.trim() === '') {
    throw new PowError({
      code: 'POW_INVALID_OPTION',
      message: '--namespace needs a name.',
      fix: 'Pass e.g. --namespace admin, or leave it out for the default users.',
      exitCode: 2,
    });
  }
  const now = clockFrom(ctx.io.env);

  const [{ inspectProject }, recipe, { readManifest }, render, colors, { isNoop }] = await Promise.all([
    import('../inspect/inspect-project.js'),
    import('../recipes/templates.js'),
    import('../generate/manifest.js'),
    import('../generate/render-plan.js'),
    import('../generate/colors.js'),
    import('../generate/plan.js'),
  ]);

  const manifest = readManifest(root);
  const { options, install, only } = recipe.resolveGenTemplatesOptions(manifest, {
    namespace: flags.namespace ?? null,
    userModel: checked.userModel,
    registration: checked.registration,
    extensions: checked.extensions as ExtensionName[] | undefined,
    oauthProviders: checked.oauthProviders,
    only: flags.only,
  });
  const project = await inspectProject(root, { userModel: options.userModel });

  const isInteractive = canPrompt(ctx, flags);
  const c = colors.createColors(!flags.json && colors.colorsEnabled(ctx.io.env, ctx.io.isTTY));
  const printPlan = (plan: Plan, dryRun: boolean) => {
    for (const line of render.renderPlan(plan, { colors: c, diff: flags.diff, dryRun })) ctx.out.line(line);
  };
  let shown = false;
  const outcome = await recipe.runGenTemplates({
    root,
    project,
    options,
    install,
    only,
    powVersion: ctx.version,
    now,
    flags: { dryRun: flags.dryRun, force: flags.force, mergeConflicts: flags.mergeConflicts },
    onStep: testPauseFromEnv(ctx.io.env),
    confirm: isInteractive
      ? async (plan) => {
          printPlan(plan, false);
          shown = true;
          ctx.out.line();
          return confirmWrite();
        }
      : undefined,
  });

  const { plan, applied } = outcome.result;
  const noop = isNoop(plan);
  const { listUserTypes, signUpLines } = await import('../recipes/user-types.js');
  // The run's answers count even under --dry-run (the manifest has not changed then).
  const userTypes = listUserTypes(manifest, [
    { namespace: options.namespace, userModel: options.userModel, registration: options.registration },
  ]);
  if (flags.json) {
    ctx.out.json({
      ...generationJson(render.summarizePlan(plan), applied, Boolean(flags.dryRun), noop),
      scope: outcome.scope,
      // As the manifest keeps them: the provider list only when the oauth extension has one.
      options: { namespace: options.namespace, ...recipe.storedOptions(options) },
      only,
      mountPath: outcome.context.mountPath,
      migration: outcome.migration,
      nextSteps: outcome.nextSteps,
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
    command: 'pow gen.templates',
    plan,
    applied,
    shown,
    dryRun: Boolean(flags.dryRun),
    interactive: isInteractive,
    upToDate: noop,
    printPlan,
  });
  if (!goOn) return;
  ctx.out.line('');
  for (const line of signUpLines(userTypes, recipe.exec(project))) ctx.out.line(line);
  if (!noop && outcome.nextSteps.length > 0) {
    ctx.out.line('');
    ctx.out.line(c.bold('Next steps:'));
    outcome.nextSteps.forEach((step, index) => ctx.out.line(`  ${index + 1}. ${step}`));
  }
  ctx.setExitCode(outcome.result.exitCode);
}
