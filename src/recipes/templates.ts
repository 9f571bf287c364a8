/**
 * The `pow gen.templates` recipe: pow's views and controllers, for the default users or for a
 * second user type (a namespace) side by side with them.
 *
 * Without a namespace it re-emits the views and controllers `pow install` wrote, with the install's
 * stored answers (restyling after a pow upgrade, or getting a deleted view back with `--force`).
 * The files stay the install's (generator scope `install`), so an unchanged project gets only
 * `identical` and nothing is written.
 *
 * With `--namespace admin` it emits a complete second set, every path namespace-aware
 * (docs/internal/conventions.md, "Generated app layout"):
 *
 *   <src>/pow/admin/config.ts               createPow({ userType: 'admin', userModel: 'Admin' }) +
 *                                           powExpress({ mountPath: '/admin', currentUserKey: 'currentAdmin' })
 *   <src>/routes/admin/pow.ts               pow's pages, mounted at /admin
 *   <src>/controllers/admin/pow/*.ts        session (+ registration, extensions)
 *   <views>/admin/pow/...                   own layout, stylesheet, pages (+ mail templates)
 *
 * plus, for a model of its own, the schema model and a migration `<timestamp>_pow_<type>` (the
 * PowSession table is shared: store keys are namespaced by user type), and the wiring in the app
 * entry, after the default users' middleware:
 *
 *   import { auth as adminAuth } from './pow/admin/config.js';
 *   import { powRoutes as adminPowRoutes } from './routes/admin/pow.js';
 *   app.use('/admin', adminAuth.middleware());
 *   app.use('/admin', adminPowRoutes);
 *
 * The namespace's files are tracked under the generator scope `gen.templates:<namespace>`, with its
 * answers in the manifest (`options["gen.templates:admin"]`), so re-running the same command
 * changes nothing and `--no-registration` later deletes the registration files pow wrote.
 *
 * `--only session,registration,...` re-emits some page groups (views + controllers) of an existing
 * set and nothing else (no config, routes, schema or wiring; nothing deleted).
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { createGeneration, type GenerateContext, type GenerateResult } from '../generate/index.js';
import type { JsonValue, Manifest, ManifestFile } from '../generate/manifest.js';
import { isNoop, planExitCode, type Plan } from '../generate/plan.js';
import { ensureAppUse } from '../generate/codemods/ensure-app-use.js';
import { ensureImport } from '../generate/codemods/ensure-import.js';
import type { PatchRecord } from '../generate/virtual-tree.js';
import type { PrismaInfo, ProjectInfo } from '../inspect/project-info.js';
import type { ExtensionName } from '../runtime/core/types.js';
import { PowError } from '../shared/pow-error.js';
import { addExtensionFiles, mergeExtensions, oauthNextSteps } from './extensions.js';
import { checkOAuthChoice, mergeProviders } from './oauth-providers.js';
import { userModelIsPows } from './user-model-origin.js';
import {
  addSchemaAndMigration,
  INSTALL_GENERATOR,
  powSchemaFile,
  previousInstallOptions,
  requirePrisma,
  templateProject,
  DEFAULT_INSTALL_OPTIONS,
  type InstallMigration,
  type InstallOptions,
  type RecipeRun,
} from './install.js';
import { listInstallTemplates, selectInstallTemplates, templateExtension } from './install-templates.js';
import {
  buildTemplateContext,
  EXTENSION_NAMES,
  pascal,
  relativeSpecifier,
  type TemplateContext,
} from './template-context.js';

/** Prefix of a namespace's generator scope: `gen.templates:admin`. */
export const GEN_TEMPLATES_GENERATOR = 'gen.templates';

/** The generator scope of a namespace's files ("gen.templates:admin"); the install's for none. */
export function genTemplatesScope(namespace: string | null): string {
  return namespace === null ? INSTALL_GENERATOR : `${GEN_TEMPLATES_GENERATOR}:${namespace}`;
}

/** "gen.templates:admin" → "admin"; null for other scopes. */
export function namespaceOfScope(scope: string): string | null {
  const prefix = `${GEN_TEMPLATES_GENERATOR}:`;
  return scope.startsWith(prefix) && scope.length > prefix.length ? scope.slice(prefix.length) : null;
}

/** Page groups `--only` can name: views + controllers of one part of pow. */
export const ONLY_GROUPS = ['layout', 'session', 'registration', ...EXTENSION_NAMES] as const;
export type OnlyGroup = (typeof ONLY_GROUPS)[number];

/** Namespaces that would shadow the default users' pages (`/session/...`) or pow's own names. */
const RESERVED_NAMESPACES = new Set([
  'user',
  'pow',
  'session',
  'registration',
  'reset-password',
  'confirm-email',
  'invitation',
  'sessions',
]);

/** The answers of one gen.templates scope; stored in the manifest for a namespace. */
export interface GenTemplatesOptions {
  /** "admin", or null for the default users (then the install's answers apply). */
  namespace: string | null;
  userModel: string;
  userIdFields: string[];
  registration: boolean;
  extensions: ExtensionName[];
  /** oauth extension: the namespace's providers (src/recipes/oauth-providers.ts). */
  oauthProviders: string[];
}

/** What the command line gave (undefined: not given). */
export interface GenTemplatesGiven {
  namespace?: string | null;
  userModel?: string;
  registration?: boolean;
  extensions?: ExtensionName[];
  oauthProviders?: string[];
  only?: string[];
}

function usage(message: string, fix: string): PowError {
  return new PowError({ code: 'POW_INVALID_OPTION', message, fix, exitCode: 2 });
}

/** Checks a namespace name: a lowercase identifier that is also a single URL path segment. */
export function checkNamespaceName(namespace: string): string {
  if (!/^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/.test(namespace)) {
    throw usage(
      `--namespace ${JSON.stringify(namespace)} is not valid: a namespace is a folder name and a URL path segment, made of lowercase letters and digits, optionally joined by "-" or "_".`,
      'Pass e.g. --namespace admin.',
    );
  }
  if (RESERVED_NAMESPACES.has(namespace)) {
    throw usage(
      `--namespace ${namespace} is reserved: ${
        namespace === 'user'
          ? '"user" is the default user type (leave out --namespace for it)'
          : namespace === 'pow'
            ? '"pow" is the name of pow\'s own folders'
            : `/${namespace} is a page of the default users`
      }.`,
      'Choose another name, e.g. --namespace admin.',
    );
  }
  return namespace;
}

/** The stored answers of a namespace (null when gen.templates never ran for it). */
export function previousGenTemplatesOptions(
  manifest: Manifest | null,
  namespace: string,
): Partial<GenTemplatesOptions> | null {
  const stored = manifest?.options[genTemplatesScope(namespace)];
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return null;
  const s = stored as Record<string, JsonValue>;
  const out: Partial<GenTemplatesOptions> = { namespace };
  if (typeof s.userModel === 'string') out.userModel = s.userModel;
  if (Array.isArray(s.userIdFields) && s.userIdFields.every((f) => typeof f === 'string'))
    out.userIdFields = s.userIdFields as string[];
  if (typeof s.registration === 'boolean') out.registration = s.registration;
  if (Array.isArray(s.extensions) && s.extensions.every((e) => typeof e === 'string'))
    out.extensions = s.extensions as ExtensionName[];
  if (Array.isArray(s.oauthProviders) && s.oauthProviders.every((p) => typeof p === 'string'))
    out.oauthProviders = s.oauthProviders as string[];
  return out;
}

/** The install's answers, or a PowError when `pow install` never ran in this project. */
export function requireInstall(manifest: Manifest | null): InstallOptions {
  const previous = previousInstallOptions(manifest);
  if (previous === null) {
    throw new PowError({
      code: 'POW_NOT_INSTALLED',
      message:
        'pow gen.templates works on a project pow is installed in (no .pow/manifest.json with the answers of `pow install` was found).',
      fix: 'Run `npx pow install` first (it sets up the default users, the session store and the view engine), then gen.templates.',
    });
  }
  return { ...DEFAULT_INSTALL_OPTIONS, ...previous };
}

/**
 * The options of a run: the command line over the stored answers over the defaults. Throws usage
 * errors (exit 2) for flags that make no sense without a namespace or for an unknown `--only`.
 */
export function resolveGenTemplatesOptions(
  manifest: Manifest | null,
  given: GenTemplatesGiven,
): { options: GenTemplatesOptions; install: InstallOptions; only: OnlyGroup[] | null; firstRun: boolean } {
  const namespace =
    given.namespace === undefined || given.namespace === null ? null : checkNamespaceName(given.namespace);
  const only = given.only === undefined ? null : checkOnly(given.only);
  const install = requireInstall(manifest);
  if (namespace === null) {
    for (const [flag, value] of [
      ['--user-model', given.userModel],
      ['--[no-]registration', given.registration],
      ['--extension', given.extensions],
      ['--provider', given.oauthProviders],
    ] as const) {
      if (value === undefined) continue;
      throw usage(
        `${flag} needs --namespace: the default users' templates follow the answers of \`pow install\`.`,
        flag === '--extension' || flag === '--provider'
          ? 'Add the extension to the default users with `npx pow install --extension <name>`, or pass --namespace for another user type.'
          : `Change it with \`npx pow install ${flag === '--user-model' ? '--user-model <Model>' : '--[no-]registration'}\`, or pass --namespace for another user type.`,
      );
    }
    const options: GenTemplatesOptions = {
      namespace: null,
      userModel: install.userModel,
      userIdFields: install.userIdFields,
      registration: install.registration,
      extensions: install.extensions,
      oauthProviders: install.oauthProviders,
    };
    if (only) checkOnlyEnabled(only, options);
    return { options, install, only, firstRun: false };
  }
  const stored = previousGenTemplatesOptions(manifest, namespace);
  if (only && stored === null) {
    throw usage(
      `--only re-emits part of a namespace, but gen.templates has not written the "${namespace}" namespace yet.`,
      `Run \`npx pow gen.templates --namespace ${namespace}\` without --only first: it writes the complete set.`,
    );
  }
  if (given.userModel !== undefined && !/^[A-Za-z][A-Za-z0-9_]*$/.test(given.userModel)) {
    throw usage(
      `--user-model ${JSON.stringify(given.userModel)} is not a Prisma model name.`,
      'Pass a model name made of letters, digits and underscores, e.g. --user-model Admin.',
    );
  }
  const userModel = given.userModel ?? stored?.userModel ?? pascal(namespace);
  const options: GenTemplatesOptions = {
    namespace,
    userModel,
    userIdFields: stored?.userIdFields ?? install.userIdFields,
    // Off unless asked for: public sign-up into an admin (or any second) user type would let anyone
    // make themselves one. The first account comes from `pow user create` instead.
    registration: given.registration ?? stored?.registration ?? false,
    extensions: mergeExtensions(stored?.extensions, given.extensions),
    oauthProviders: mergeProviders(stored?.oauthProviders, given.oauthProviders),
  };
  checkOAuthChoice(
    options.extensions,
    options.oauthProviders,
    `npx pow gen.templates --namespace ${namespace}`,
  );
  if (only) checkOnlyEnabled(only, options);
  return { options, install, only, firstRun: stored === null };
}

function checkOnly(values: readonly string[]): OnlyGroup[] {
  if (values.length === 0) {
    throw usage('--only needs at least one page group.', `Choose from: ${ONLY_GROUPS.join(', ')}.`);
  }
  const out: OnlyGroup[] = [];
  for (const value of values) {
    if (!(ONLY_GROUPS as readonly string[]).includes(value)) {
      throw usage(
        `--only ${JSON.stringify(value)} is not a page group pow generates.`,
        `Choose from: ${ONLY_GROUPS.join(', ')} (comma-separated or repeated).`,
      );
    }
    if (!out.includes(value as OnlyGroup)) out.push(value as OnlyGroup);
  }
  return out;
}

function checkOnlyEnabled(only: readonly OnlyGroup[], options: GenTemplatesOptions): void {
  const who = options.namespace === null ? 'the default users' : `the "${options.namespace}" namespace`;
  for (const group of only) {
    if (group === 'registration' && !options.registration) {
      throw usage(
        `--only registration: registration is off for ${who} (--no-registration).`,
        'Leave registration out of --only.',
      );
    }
    if (
      (EXTENSION_NAMES as readonly string[]).includes(group) &&
      !options.extensions.includes(group as ExtensionName)
    ) {
      throw usage(
        `--only ${group}: the ${group} extension is not enabled for ${who}.`,
        options.namespace === null
          ? `Enable it with \`npx pow install --extension ${group}\`.`
          : `Enable it with \`npx pow gen.templates --namespace ${options.namespace} --extension ${group}\`.`,
      );
    }
  }
}

/** The page group of a template id; "config", "routes" and "client" are not page groups. */
export function templateGroup(id: string): OnlyGroup | 'config' | 'routes' | 'client' {
  if (id === 'install/pow/prisma.ts.ejs') return 'client';
  if (id.startsWith('install/pow/')) return 'config';
  if (id.startsWith('install/routes/')) return 'routes';
  const extension = templateExtension(id);
  if (extension !== null && (ONLY_GROUPS as readonly string[]).includes(extension))
    return extension as OnlyGroup;
  const stems = id.split('/').map((segment) => segment.split('.')[0]!.replace(/_/g, '-'));
  if (stems.includes('confirmation')) return 'email-confirmation';
  if (stems.includes('registration')) return 'registration';
  if (stems.includes('session')) return 'session';
  return 'layout';
}

export interface GenTemplatesInput extends RecipeRun {
  options: GenTemplatesOptions;
  /** The install's answers (session store and id type of a new model). */
  install: InstallOptions;
  /** `--only`: re-emit these page groups only. */
  only?: OnlyGroup[] | null;
}

export interface GenTemplatesResult {
  result: GenerateResult;
  /** The namespace's migration, or null. */
  migration: InstallMigration | null;
  schemaAdded: string[];
  nextSteps: string[];
  context: TemplateContext;
  /** The generator scope the files are tracked under. */
  scope: string;
}

/** Runs the recipe through the generation engine (plans; applies unless dryRun or declined). */
export async function runGenTemplates(input: GenTemplatesInput): Promise<GenTemplatesResult> {
  const project = templateProject(input.project);
  const prisma = requirePrisma(project);
  const { options, install } = input;
  const namespace = options.namespace;
  const only = input.only ?? null;
  const scope = genTemplatesScope(namespace);

  // Default users: the files stay the install's; a namespace keeps its answers for re-runs.
  const full = namespace !== null && only === null;
  const gen = createGeneration({
    root: input.root,
    generator: scope,
    powVersion: input.powVersion,
    project,
    flags: input.flags,
    owns: full ? namespaceOwns(scope, prisma) : () => false,
    options: namespace === null ? undefined : (storedOptions(options) as unknown as JsonValue),
    templatesDir: input.templatesDir,
    beforeWrite: input.beforeWrite,
    onStep: input.onStep,
  });
  const it = buildTemplateContext(project, {
    namespace,
    userModel: options.userModel,
    userIdFields: options.userIdFields,
    store: install.sessionStore,
    extensions: options.extensions,
    oauthProviders: options.oauthProviders,
    registration: options.registration,
    userModelIsPows: userModelIsPows(gen.previous, prisma, options.userModel),
  });
  if (namespace !== null && !input.flags?.force) checkClash(input.root, gen, it);

  const ctx = full ? sharedPatchesOnce(gen, scope) : gen;
  let schema: { migration: InstallMigration | null; added: string[] } = { migration: null, added: [] };
  if (full) {
    schema = await addSchemaAndMigration(
      ctx,
      {
        root: input.root,
        now: input.now,
        flags: input.flags,
        options: {
          userModel: options.userModel,
          userIdFields: options.userIdFields,
          idType: install.idType,
          sessionStore: install.sessionStore,
          registration: options.registration,
          extensions: options.extensions,
          oauthProviders: options.oauthProviders,
        },
      },
      prisma,
      `pow_${it.userType}`,
    );
  }
  emitTemplates(ctx, it, { namespace, only, templatesDir: input.templatesDir });
  if (full) {
    wireNamespace(ctx, project, it);
    addExtensionFiles(ctx, it);
    if (options.userModel === install.userModel) {
      ctx.note(
        `${it.namespace}: signs in ${options.userModel} accounts, the same as the default users: every ${options.userModel} can sign in at ${it.mountPath}/session/new until you restrict it (docs/guides/multiple-user-types.md, "Admins who are users with a role")`,
      );
    }
  }

  const plan = gen.plan();
  let applied: GenerateResult['applied'] = null;
  if (!input.flags?.dryRun) {
    const go = isNoop(plan) || !input.confirm ? true : await input.confirm(plan);
    if (go) applied = gen.apply(plan);
  }
  return {
    result: { plan, applied, exitCode: planExitCode(plan) },
    migration: schema.migration,
    schemaAdded: schema.added,
    nextSteps: full ? nextSteps(project, it, options, install, schema.migration !== null) : [],
    context: it,
    scope,
  };
}

export function storedOptions(options: GenTemplatesOptions): Partial<Omit<GenTemplatesOptions, 'namespace'>> {
  return {
    userModel: options.userModel,
    userIdFields: options.userIdFields,
    registration: options.registration,
    extensions: options.extensions,
    // Kept only when the oauth extension has providers, so other namespaces' answers stay as they were.
    ...(options.oauthProviders.length > 0 ? { oauthProviders: options.oauthProviders } : {}),
  };
}

/** Tracked files a full namespace run deletes when no longer emitted (migrations are history). */
function namespaceOwns(scope: string, prisma: PrismaInfo): (path: string, entry: ManifestFile) => boolean {
  const migrations = `${prisma.migrationsDir.replace(/\/+$/, '')}/`;
  const powSchema = powSchemaFile(prisma);
  return (path, entry) => entry.generator === scope && !path.startsWith(migrations) && path !== powSchema;
}

/**
 * A patch another scope already made (e.g. the install's `.env.example:SMTP_URL`) is left to it:
 * recording it again here would move it to this scope on every run, a manifest change each time.
 */
function sharedPatchesOnce(gen: GenerateContext, scope: string): GenerateContext {
  const foreign = (id: string): boolean => {
    const entry = gen.previous?.patches[id];
    return entry !== undefined && entry.generator !== scope;
  };
  const skipped = (file: string, id: string): PatchRecord => ({ id, file, status: 'already-present' });
  return {
    ...gen,
    patch: (path, id, edit) => (foreign(id) ? skipped(path, id) : gen.patch(path, id, edit)),
    codemod: (path, id, codemod, snippet) =>
      foreign(id) ? skipped(path, id) : gen.codemod(path, id, codemod, snippet),
  };
}

// ---- templates ------------------------------------------------------------------------------------

function emitTemplates(
  ctx: GenerateContext,
  it: TemplateContext,
  opts: { namespace: string | null; only: readonly OnlyGroup[] | null; templatesDir?: string },
): void {
  for (const template of selectInstallTemplates(listInstallTemplates(opts.templatesDir), it)) {
    const group = templateGroup(template.id);
    // The Prisma client module is shared (the install's); config and routes only in a full namespace run.
    if (group === 'client') continue;
    if (group === 'config' || group === 'routes') {
      if (opts.namespace === null || opts.only !== null) continue;
    } else if (opts.only !== null && !opts.only.includes(group)) {
      continue;
    }
    ctx.emit(template.id, it, {
      ownership: 'owned',
      prefix: template.prefix,
      tokens: { namespace: it.namespacePath },
    });
  }
}

/** Files under `dir` (relative to root, recursive); [] when it does not exist. */
function filesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

function existsOnDisk(root: string, path: string): boolean {
  try {
    lstatSync(join(root, path));
    return true;
  } catch {
    return false;
  }
}

/**
 * The namespace's folders belong to pow: a file there that pow did not write (not in the manifest)
 * means the name is taken by something else. Refused before anything is written (--force skips it).
 */
function checkClash(root: string, gen: GenerateContext, it: TemplateContext): void {
  const tracked = gen.previous?.files ?? {};
  const controllersDir = posix.dirname(it.paths.sessionController);
  const folders = [posix.dirname(it.paths.config), controllersDir, it.paths.viewsDir];
  const foreign: string[] = [];
  for (const folder of folders) {
    for (const file of filesUnder(root, folder)) if (!tracked[file]) foreign.push(file);
  }
  if (existsOnDisk(root, it.paths.routes) && !tracked[it.paths.routes]) foreign.push(it.paths.routes);
  if (foreign.length === 0) return;
  const shown =
    foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
  throw new PowError({
    code: 'POW_NAMESPACE_CLASH',
    message: `The "${it.namespace}" namespace would write into ${folders.map((f) => `${f}/`).join(', ')} and ${it.paths.routes}, but ${shown} ${foreign.length === 1 ? 'is' : 'are'} already there and pow did not write ${foreign.length === 1 ? 'it' : 'them'}. Nothing was written.`,
    fix: `Choose another namespace (e.g. --namespace ${it.namespace}2), move those files away, or re-run with --force to write pow's files next to them.`,
  });
}

// ---- wiring ---------------------------------------------------------------------------------------

/** The entry lines of a namespace, as one snippet (manual steps). */
export function namespaceEntrySnippet(
  project: ProjectInfo,
  it: TemplateContext,
  entryPath: string,
  app = 'app',
): string {
  const ext = project.relativeImportExtension;
  const config = relativeSpecifier(entryPath, it.paths.config, ext);
  const routes = relativeSpecifier(entryPath, it.paths.routes, ext);
  const imports =
    project.moduleSystem === 'cjs'
      ? [
          `const { ${it.names.auth}: ${it.names.entryAuth} } = require('${config}');`,
          `const { ${it.names.routes}: ${it.names.entryRoutes} } = require('${routes}');`,
        ]
      : [
          `import { ${it.names.auth} as ${it.names.entryAuth} } from '${config}';`,
          `import { ${it.names.routes} as ${it.names.entryRoutes} } from '${routes}';`,
        ];
  return [
    '// with the other imports:',
    ...imports,
    '',
    `// after app.use(auth.middleware()) of the default users, before your routes:`,
    `${app}.use('${it.mountPath}', ${it.names.entryAuth}.middleware());`,
    `${app}.use('${it.mountPath}', ${it.names.entryRoutes});`,
  ].join('\n');
}

function wireNamespace(ctx: GenerateContext, project: ProjectInfo, it: TemplateContext): void {
  const entry = project.entry;
  const ns = it.namespace!;
  if (entry === null || !entry.patchable) {
    const file =
      entry?.path ??
      `${it.project.sourceDir === '.' ? '' : `${it.project.sourceDir}/`}app.${project.language}`;
    ctx.manual({
      file,
      why:
        entry === null
          ? `no \`express()\` app found, so pow could not mount the "${ns}" middleware and pages; add these lines to the file that creates your app`
          : `${entry.reason ?? 'pow cannot patch this file safely'}; add these lines where the app is built`,
      snippet: namespaceEntrySnippet(project, it, file, entry?.appVariable ?? 'app'),
    });
    return;
  }
  const ext = project.relativeImportExtension;
  const app = entry.appVariable;
  const moduleSystem = project.moduleSystem;
  ctx.codemod(
    entry.path,
    `entry:import-${ns}-pow-config`,
    ensureImport({
      module: relativeSpecifier(entry.path, it.paths.config, ext),
      named: [`${it.names.auth} as ${it.names.entryAuth}`],
      moduleSystem,
    }),
  );
  ctx.codemod(
    entry.path,
    `entry:import-${ns}-pow-routes`,
    ensureImport({
      module: relativeSpecifier(entry.path, it.paths.routes, ext),
      named: [`${it.names.routes} as ${it.names.entryRoutes}`],
      moduleSystem,
    }),
  );
  // ensureAppUse goes after the app's set-up calls, which include the default users' middleware:
  // the namespace's middleware runs after it, its pages right after that.
  ctx.codemod(
    entry.path,
    `entry:use-${ns}-pow-middleware`,
    ensureAppUse({ args: `'${it.mountPath}', ${it.names.entryAuth}.middleware()`, app }),
  );
  ctx.codemod(
    entry.path,
    `entry:use-${ns}-pow-routes`,
    ensureAppUse({ args: `'${it.mountPath}', ${it.names.entryRoutes}`, app }),
  );
}

// ---- next steps -----------------------------------------------------------------------------------

/** How the project runs a package's binary: "npx", "pnpm exec", "yarn", "bunx". */
export function exec(project: ProjectInfo): string {
  return project.packageManager === 'pnpm'
    ? 'pnpm exec'
    : project.packageManager === 'yarn'
      ? 'yarn'
      : project.packageManager === 'bun'
        ? 'bunx'
        : 'npx';
}

/** The "Next steps" of a namespace: exact commands, in order. */
export function nextSteps(
  project: ProjectInfo,
  it: TemplateContext,
  options: GenTemplatesOptions,
  install: InstallOptions,
  migration: boolean,
): string[] {
  const x = exec(project);
  const steps: string[] = [];
  if (migration) {
    const urlVar = project.prisma?.urlEnvVar ?? 'DATABASE_URL';
    steps.push(`${x} pow migrate    # apply the ${options.userModel} migration to the database in ${urlVar}`);
    steps.push(`${x} prisma generate    # regenerate the Prisma client for the ${options.userModel} model`);
  }
  if (!options.registration) {
    const [idField = 'email'] = it.userIdFields;
    const account = idField === 'email' ? '--email <address>' : `--field ${idField}=<value>`;
    steps.push(
      `${x} pow user create --namespace ${it.namespace} ${account}    # the first ${it.userType}: nobody can sign up at ${it.mountPath} (asks for the password)`,
    );
  }
  steps.push(...oauthNextSteps(it));
  const app = project.entry?.appVariable ?? 'app';
  steps.push(
    `Protect the ${it.namespace} pages with ${it.names.entryAuth}.requireAuthenticated, e.g. ${app}.get('${it.mountPath}/dashboard', ${it.names.entryAuth}.requireAuthenticated, ...)${project.entry ? ` in ${project.entry.path}` : ''}`,
  );
  if (options.userModel === install.userModel) {
    steps.push(
      `Restrict ${it.mountPath} to the ${options.userModel} accounts allowed there (e.g. a role column): docs/guides/multiple-user-types.md, "Admins who are users with a role"`,
    );
  }
  steps.push(`Start your app, then open http://localhost:3000${it.mountPath}/session/new`);
  return steps;
}

// ---- re-planning (pow status / pow diff) ----------------------------------------------------------

/**
 * `pow gen.templates --namespace <ns> --yes --dry-run` with the answers stored for `scope`
 * ("gen.templates:admin"): what a re-run would change. Null for a scope that is not a namespace's
 * or has no stored answers. Writes nothing.
 */
export async function replanNamespace(
  root: string,
  manifest: Manifest,
  scope: string,
  opts: { powVersion: string; now?: () => Date; templatesDir?: string },
): Promise<{ generator: string; command: string; plan: Plan; migration: string | null } | null> {
  const namespace = namespaceOfScope(scope);
  if (namespace === null || previousGenTemplatesOptions(manifest, namespace) === null) return null;
  const { options, install } = resolveGenTemplatesOptions(manifest, { namespace });
  const { inspectProject } = await import('../inspect/inspect-project.js');
  const project = await inspectProject(root, { userModel: options.userModel });
  const outcome = await runGenTemplates({
    root,
    project,
    options,
    install,
    powVersion: opts.powVersion,
    now: opts.now ?? (() => new Date()),
    flags: { dryRun: true },
    templatesDir: opts.templatesDir,
  });
  return {
    generator: scope,
    command: `pow gen.templates --namespace ${namespace}`,
    plan: outcome.result.plan,
    migration: outcome.migration?.path ?? null,
  };
}
