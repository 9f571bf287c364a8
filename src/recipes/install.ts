/**
 * The `pow install` recipe: everything the install adds to a project, recorded into the generation
 * engine's virtual tree (src/generate/index.ts), which plans, prints and applies it atomically.
 *
 * 1. Prisma schema: the user id fields, the `credential` relation and the `<User>Credential` model
 *    (the password hash, never on the user model), extension fields and (with the prisma
 *    session store) the PowSession model, via ensureAuthSchema. Single-file schemas and the file
 *    of an existing User model are patched; a multi-file schema gets pow's models in an owned
 *    `pow.prisma`. A conflicting field throws the PowError of that module before anything is written.
 * 2. Migration: the diff from the schema on disk to the new one (planMigration), written as the
 *    owned file `<migrations>/<timestamp>_pow_install/migration.sql` (+ `migration_lock.toml` when
 *    missing). No schema change → no migration.
 * 3. Owned code and views: every selected template (install-templates.ts) through `ctx.emit`, with
 *    the data of buildTemplateContext (the transforms make it JS / CommonJS where needed).
 * 4. Wiring: imports of the config and routes, `app.use(auth.middleware())`, `app.use(powRoutes)`
 *    and the ejs view engine in the app entry (codemods); an entry pow cannot patch safely becomes
 *    one manual step with the exact snippet. package.json gets the missing runtime packages,
 *    `.env.example` the variables, `.gitattributes` the `.pow/**` line.
 *
 * Patches carry ids that name what they add (`prisma:User.credential+UserCredential+PowSession`,
 * `package.json:ejs`, `.env.example:POW_SECRET`), so a later run with more options adds only
 * the new things, and something the team removed on purpose is reported instead of re-added.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import {
  createGeneration,
  type GenerateContext,
  type GenerateFlags,
  type GenerateResult,
} from '../generate/index.js';
import { isNoop, planExitCode, type Plan } from '../generate/plan.js';
import type { ApplyStep } from '../generate/apply-plan.js';
import { ensureAppUse } from '../generate/codemods/ensure-app-use.js';
import { ensureImport } from '../generate/codemods/ensure-import.js';
import { ensureViewEngine } from '../generate/codemods/ensure-view-engine.js';
import type { JsonValue, Manifest, ManifestFile } from '../generate/manifest.js';
import type { PrismaInfo, ProjectInfo } from '../inspect/project-info.js';
import {
  ensureAuthSchema,
  POW_SCHEMA_FILE,
  type EnsureAuthSchemaResult,
  type SessionStoreKind,
  type UserIdType,
} from '../prisma/ensure-auth-schema.js';
import type { MigrationGenerator } from '../prisma/migrations.js';
import type { SchemaTexts } from '../prisma/schema-ast.js';
import type { ExtensionName } from '../runtime/core/types.js';
import { isPowError, PowError } from '../shared/pow-error.js';
import { ensureDependencies, listedIn, type DependencySpec } from '../deps/package-json.js';
import { isPinned, PINNED_VERSIONS, POW_PACKAGES, powRange } from '../deps/versions.js';
import { listInstallTemplates, selectInstallTemplates } from './install-templates.js';
import { ensureGitattributesLine } from './project-files.js';
import { addEnvFiles, type EnvFilesResult } from './env-files.js';
import { SECRET_COMMAND } from '../shared/secret-command.js';
import { addExtensionFiles, extensionNextSteps, sendsMail } from './extensions.js';
import { appUserColumns } from './app-user-columns.js';
import { userModelIsPows } from './user-model-origin.js';
import { removedByTeam, schemaPatchId } from './schema-removals.js';
import { assertUserModelNotRenamed } from './renamed-user-model.js';
import { readBase } from '../generate/manifest.js';
import {
  handleTeamSchemaChanges,
  type SchemaChangesMode,
  type TeamChangesInput,
} from './team-schema-changes.js';
import type { HistoryCheck } from '../prisma/history.js';
import { buildTemplateContext, relativeSpecifier, type TemplateContext } from './template-context.js';

/** The generator scope recorded in the manifest. */
export const INSTALL_GENERATOR = 'install';
/** Prefix of the report notes about exposed secrets (also shown by `pow status`). */
export const SECURITY_NOTE_PREFIX = 'security: ';

/** Migration name (folder `<timestamp>_pow_install`). */
export const INSTALL_MIGRATION_NAME = 'pow_install';

/** The answers of `pow install` (flags or prompts); stored in the manifest for re-runs. */
export interface InstallOptions {
  userModel: string;
  userIdFields: string[];
  sessionStore: SessionStoreKind;
  /** Primary key of a User model pow creates (ignored for an existing model). */
  idType: UserIdType;
  registration: boolean;
  extensions: ExtensionName[];
  /** oauth extension: "github", "google", "oidc:<name>" (src/recipes/oauth-providers.ts). */
  oauthProviders: string[];
}

export const DEFAULT_INSTALL_OPTIONS: Readonly<InstallOptions> = Object.freeze({
  userModel: 'User',
  userIdFields: ['email'],
  // Sessions in the database survive restarts and are shared between processes.
  sessionStore: 'prisma',
  idType: 'Int',
  registration: true,
  extensions: [],
  oauthProviders: [],
});

/** What every generating recipe run takes besides its own options (install, gen.templates). */
export interface RecipeRun {
  /** Absolute project root. */
  root: string;
  /** inspectProject(root, { userModel }) of this run. */
  project: ProjectInfo;
  powVersion: string;
  /** Clock of the migration folder's timestamp. */
  now: () => Date;
  flags?: GenerateFlags;
  /** pow's templates folder (tests). */
  templatesDir?: string;
  /**
   * Asked after planning, before writing, when the plan writes something (interactive runs show
   * the plan and ask). False → nothing is written and `result.applied` is null.
   */
  confirm?: (plan: Plan) => Promise<boolean>;
  /** Test seam: called before each write of the apply step (throw to simulate a failing disk). */
  beforeWrite?: (path: string, index: number) => void;
  /** Test seam: called before every step of the write phase (the kill tests pause there). */
  onStep?: (step: ApplyStep) => void;
}

type Env = Record<string, string | undefined>;

export interface InstallInput
  extends RecipeRun, Pick<SchemaRunContext, 'schemaChanges' | 'confirmSchemaChanges'> {
  options: InstallOptions;
  /** The environment pow runs in (NODE_ENV, variables set in the shell); default process.env. */
  env?: Env;
}

export interface InstallMigration {
  /** Folder name, `<timestamp>_pow_install`. */
  name: string;
  /** migration.sql, relative to the root. */
  path: string;
  generator: MigrationGenerator;
  /** Prisma's "Warnings" lines (steps that can fail on existing data). */
  warnings: string[];
}

export interface InstallResult {
  result: GenerateResult;
  migration: InstallMigration | null;
  /** What the schema edit added, e.g. ["User.credential", "UserCredential", "PowSession"]. */
  schemaAdded: string[];
  /** The schema step's view of the migration history (drift, the team's migration). */
  schemaStep: Omit<SchemaStepResult, 'migration' | 'added'>;
  /** Packages added to package.json. */
  dependenciesAdded: string[];
  nextSteps: string[];
  context: TemplateContext;
}

/** CRLF → LF, BOM dropped: schema texts as the Prisma tools see them. */
function lf(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.replace(/\r\n?/g, '\n');
}

/** "User.credential", "UserCredential" (a whole model), in the order ensureAuthSchema added them. */
function additionLabels(result: EnsureAuthSchemaResult, file?: string): string[] {
  return result.added
    .filter((a) => a.kind !== 'file' && (file === undefined || a.file === file))
    .map((a) => (a.kind === 'field' ? `${a.model}.${a.field}` : a.model));
}

/** The path of pow's own schema file of a multi-file schema, or null. */
export function powSchemaFile(prisma: PrismaInfo): string | null {
  return prisma.multiFile ? posix.join(prisma.schemaPath, POW_SCHEMA_FILE) : null;
}

/**
 * Tracked files an install run is responsible for deleting when it no longer emits them. Migrations
 * are history (never orphans), and pow.prisma is written only when its models change.
 */
export function installOwns(prisma: PrismaInfo): (path: string, entry: ManifestFile) => boolean {
  const migrations = `${prisma.migrationsDir.replace(/\/+$/, '')}/`;
  const powSchema = powSchemaFile(prisma);
  return (path, entry) =>
    entry.generator === INSTALL_GENERATOR && !path.startsWith(migrations) && path !== powSchema;
}

/** The answers as the manifest keeps them; no provider list unless the oauth extension has one. */
export function storedInstallOptions(options: InstallOptions): Partial<InstallOptions> {
  const { oauthProviders, ...rest } = options;
  return oauthProviders.length > 0 ? { ...rest, oauthProviders } : rest;
}

/** The install options stored by a previous run, merged over the defaults (null when none). */
export function previousInstallOptions(manifest: Manifest | null): Partial<InstallOptions> | null {
  const stored = manifest?.options[INSTALL_GENERATOR];
  if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return null;
  const out: Partial<InstallOptions> = {};
  const s = stored as Record<string, JsonValue>;
  if (typeof s.userModel === 'string') out.userModel = s.userModel;
  if (Array.isArray(s.userIdFields) && s.userIdFields.every((f) => typeof f === 'string'))
    out.userIdFields = s.userIdFields as string[];
  if (s.sessionStore === 'memory' || s.sessionStore === 'prisma' || s.sessionStore === 'redis')
    out.sessionStore = s.sessionStore;
  if (s.idType === 'Int' || s.idType === 'String-uuid' || s.idType === 'String-cuid') out.idType = s.idType;
  if (typeof s.registration === 'boolean') out.registration = s.registration;
  if (Array.isArray(s.extensions) && s.extensions.every((e) => typeof e === 'string'))
    out.extensions = s.extensions as ExtensionName[];
  if (Array.isArray(s.oauthProviders) && s.oauthProviders.every((p) => typeof p === 'string'))
    out.oauthProviders = s.oauthProviders as string[];
  return out;
}

export function requirePrisma(project: ProjectInfo): PrismaInfo {
  if (project.prisma) return project.prisma;
  throw new PowError({
    code: 'POW_PRISMA_NOT_FOUND',
    message: 'No Prisma schema found; pow keeps users in a Prisma model.',
    fix: 'Set up Prisma first (npx prisma init), then run pow install again.',
  });
}

/**
 * The project as the templates should see it. A `<src>/pow/prisma.ts` written by an earlier
 * install is detected as "the app's Prisma client module"; it is pow's own, so it stays generated.
 */
export function templateProject(project: ProjectInfo): ProjectInfo {
  const client = project.prismaClientModule;
  if (client === null) return project;
  const generated = buildTemplateContext({ ...project, prismaClientModule: null }).paths.prismaClient;
  return client.path === generated ? { ...project, prismaClientModule: null } : project;
}

/** Runs the install recipe through the generation engine (plans; applies unless dryRun). */
export async function runInstall(input: InstallInput): Promise<InstallResult> {
  const project = templateProject(input.project);
  const prisma = requirePrisma(project);
  const { options } = input;
  const gen = createGeneration({
    root: input.root,
    generator: INSTALL_GENERATOR,
    powVersion: input.powVersion,
    project,
    flags: input.flags,
    owns: installOwns(prisma),
    options: storedInstallOptions(options) as unknown as JsonValue,
    templatesDir: input.templatesDir,
    beforeWrite: input.beforeWrite,
    onStep: input.onStep,
  });
  const it = buildTemplateContext(project, {
    userModel: options.userModel,
    userIdFields: options.userIdFields,
    store: options.sessionStore,
    extensions: options.extensions,
    oauthProviders: options.oauthProviders,
    registration: options.registration,
    userModelIsPows: userModelIsPows(gen.previous, prisma, options.userModel),
  });
  const previous = previousInstallOptions(gen.previous);
  const schema = await addSchemaAndMigration(
    gen,
    { ...input, previousOptions: previous ? { ...DEFAULT_INSTALL_OPTIONS, ...previous } : null },
    prisma,
  );
  emitTemplates(gen, it, input.templatesDir);
  wireEntry(gen, project, it);
  const dependenciesAdded = addDependencies(gen, it, options, input.powVersion);
  const envFiles = addProjectFiles(gen, project, it, input.env ?? process.env);
  addExtensionFiles(gen, it);
  checkRequiredUserFields(gen, project, it, options);

  const plan = gen.plan();
  let applied: GenerateResult['applied'] = null;
  if (!input.flags?.dryRun) {
    const go = isNoop(plan) || !input.confirm ? true : await input.confirm(plan);
    if (go) applied = gen.apply(plan);
  }
  const result: GenerateResult = { plan, applied, exitCode: planExitCode(plan) };

  return {
    result,
    migration: schema.migration,
    schemaAdded: schema.added,
    schemaStep: {
      history: schema.history,
      schemaDrift: schema.schemaDrift,
      teamMigration: schema.teamMigration,
    },
    dependenciesAdded,
    nextSteps: nextSteps(
      project,
      it,
      dependenciesAdded.length > 0,
      envFiles,
      schema.migration !== null || Boolean(schema.teamMigration),
      schema.history === 'no-history' && !schema.teamMigration,
    ),
    context: it,
  };
}

// ---- 1 + 2: schema and migration ---------------------------------------------------------------

type SchemaOptionKey = 'userModel' | 'userIdFields' | 'idType' | 'sessionStore' | 'extensions';

/** What the schema step did. */
export interface SchemaStepResult {
  migration: InstallMigration | null;
  added: string[];
  /** What the migration history said (src/prisma/history.ts). */
  history?: HistoryCheck['kind'];
  /** The team's schema changes without a migration ("User.nickname (field added)"). */
  schemaDrift?: string[];
  /** The migration written for them (`--include-schema-changes`), relative path. */
  teamMigration?: string | null;
}

/** What the schema step knows about the run besides the options. */
export interface SchemaRunContext {
  /** The team's un-migrated schema changes: refuse (default), include as their own migration, or report (dry runs). */
  schemaChanges?: SchemaChangesMode;
  /** Interactive runs: asked before refusing (true → include). */
  confirmSchemaChanges?: TeamChangesInput['confirm'];
  /** The environment (DATABASE_URL to replay a PostgreSQL history on). */
  env?: Record<string, string | undefined>;
  /** The options of the previous run of this generator scope (from the manifest), if any. */
  previousOptions?: Pick<InstallOptions, SchemaOptionKey> | null;
  /** The command that re-runs this scope, for the "to restore it" hint. Default "pow install". */
  command?: string;
}

/** The additions pow needs under the previous run's options (null: no previous run, or it no longer applies). */
function previousSchemaNeeds(
  previous: SchemaRunContext['previousOptions'],
  ensure: (options: Pick<InstallOptions, SchemaOptionKey>) => EnsureAuthSchemaResult,
): EnsureAuthSchemaResult['added'] | null {
  if (!previous) return null;
  try {
    return ensure(previous).added;
  } catch {
    // The old options conflict with today's schema (e.g. another user model): nothing to compare.
    return null;
  }
}

/** Also used by gen.templates for a namespace's model (its own migration name, e.g. `pow_admin`). */
export async function addSchemaAndMigration(
  ctx: GenerateContext,
  input: Pick<InstallInput, 'root' | 'options' | 'now' | 'flags'> & SchemaRunContext,
  prisma: PrismaInfo,
  migrationName: string = INSTALL_MIGRATION_NAME,
): Promise<SchemaStepResult> {
  const before: SchemaTexts = {};
  for (const file of prisma.schemaFiles) {
    const text = ctx.tree.readDisk(file);
    if (text !== null) before[file] = lf(text);
  }
  // A user model renamed with its table kept: named, with the steps, before pow looks for it.
  const base: SchemaTexts = {};
  for (const file of prisma.schemaFiles) {
    const text = readBase(input.root, file);
    if (text !== null) base[file] = lf(text);
  }
  assertUserModelNotRenamed({ schema: before, userModel: input.options.userModel, base });
  const powFile = powSchemaFile(prisma);
  // pow's fields go on a user model pow created; the app's own gets none (user-model-origin.ts).
  const isPows = userModelIsPows(ctx.previous, prisma, input.options.userModel);
  const ensure = (options: Pick<InstallOptions, SchemaOptionKey>, omit?: ReadonlySet<string>) =>
    ensureAuthSchema({
      files: before,
      provider: prisma.provider,
      multiFileDir: prisma.multiFile ? prisma.schemaPath : null,
      options: {
        userModel: options.userModel,
        userIdFields: options.userIdFields,
        idType: options.idType,
        sessionStore: options.sessionStore,
        extensions: options.extensions,
        userModelIsPows: isPows,
        omit,
      },
    });
  // What the team removed after pow added it stays removed: not re-added, no migration for it.
  const removed = removedByTeam({
    manifest: ctx.previous,
    previousNeeds: previousSchemaNeeds(input.previousOptions, ensure),
    reapply: input.flags?.reapply,
    readDisk: (file) => ctx.tree.readDisk(file),
  });
  const schema = ensure(input.options, new Set(removed.map((r) => r.label)));
  for (const r of removed) {
    const id = schemaPatchId(r.label);
    ctx.tree.recordPatch({
      id,
      file: r.file,
      status: 'removed-by-team',
      why: `removed from ${r.file} since pow added it; not re-added and no migration adds it (to restore it: ${input.command ?? 'pow install'} --reapply ${id})`,
    });
  }
  for (const note of schema.notes) ctx.note(`schema: ${note}`);
  for (const note of schema.security) ctx.note(`${SECURITY_NOTE_PREFIX}${note}`);

  // The history's schema against the team's file: the team's un-migrated change is never mixed into pow's migration.
  const team = await handleTeamSchemaChanges(ctx, {
    root: input.root,
    prisma,
    schema: before,
    env: input.env,
    mode: input.schemaChanges ?? (input.flags?.dryRun ? 'report' : 'refuse'),
    confirm: input.confirmSchemaChanges,
    now: input.now,
    command: input.command ?? 'pow install',
    migrationName,
  });
  const teamResult = {
    history: team.history.kind,
    schemaDrift: team.history.kind === 'drift' ? team.history.drift.changes : [],
    teamMigration: team.teamMigration?.path ?? null,
  };
  if (schema.status === 'already-present') return { migration: null, added: [], ...teamResult };

  for (const [file, text] of Object.entries(schema.files)) {
    if (file === powFile) {
      ctx.write(file, text, { ownership: 'owned', origin: `prisma:${POW_SCHEMA_FILE}` });
    } else {
      const labels = additionLabels(schema, file);
      ctx.patch(file, `prisma:${labels.join('+')}`, () => ({ status: 'applied', text }));
    }
  }

  // The migration covers what is really written: a patch the team removed on purpose is not re-added.
  const after: SchemaTexts = {};
  for (const file of new Set([...Object.keys(before), ...Object.keys(schema.files)])) {
    const text = ctx.tree.read(file);
    if (text !== null) after[file] = lf(text);
  }
  const added = additionLabels(schema);
  ctx.note(`schema: ${added.join(', ')} added`);

  const { planMigration, migrationNamesInManifest } = await import('../prisma/migrations.js');
  let planned: Awaited<ReturnType<typeof planMigration>>;
  try {
    planned = await planMigration({
      provider: prisma.provider,
      before,
      after,
      root: input.root,
      migrationsDir: prisma.migrationsDir,
      name: migrationName,
      now: input.now,
      existing: team.listing,
      pending: team.pending ?? undefined,
      usedBefore: migrationNamesInManifest(ctx.previous?.files, prisma.migrationsDir),
    });
  } catch (error) {
    // A provider pow cannot write SQL for (e.g. CockroachDB): the schema edit stands, Prisma's
    // own CLI writes the migration.
    if (!isPowError(error) || error.code !== 'POW_MIGRATION_PROVIDER_UNSUPPORTED') throw error;
    ctx.manual({
      file: prisma.migrationsDir,
      why: `pow cannot write migrations for the "${prisma.provider}" provider; create it with Prisma's CLI`,
      snippet: `npx prisma migrate dev --name ${migrationName}`,
    });
    return { migration: null, added, ...teamResult };
  }
  if (team.pending && planned?.name !== team.pending.name) {
    throw new PowError({
      code: 'POW_MIGRATION_LEFT_OVER',
      message: `${prisma.migrationsDir}/${team.pending.name} looks like pow's migration from an interrupted run (the schema does not have its change), but it is not what pow writes now.`,
      fix: `If no database has applied it (\`npx prisma migrate status\`), delete ${prisma.migrationsDir}/${team.pending.name} and run pow again.`,
      exitCode: 3,
    });
  }
  if (planned === null) return { migration: null, added, ...teamResult };
  let sqlPath = '';
  for (const [path, text] of Object.entries(planned.files)) {
    const isLock = path.endsWith('/migration_lock.toml');
    if (!isLock) sqlPath = path;
    ctx.write(path, text, {
      ownership: 'owned',
      origin: isLock ? 'prisma:migration_lock.toml' : `prisma:migration (${planned.generator})`,
    });
  }
  ctx.note(
    planned.generator === 'schema-engine'
      ? `migration: ${sqlPath}: SQL from Prisma's schema engine (the diff \`prisma migrate dev\` writes)`
      : `migration: ${sqlPath}: SQL from pow's MySQL templates (Prisma's WebAssembly schema engine has no MySQL support; \`prisma migrate diff\` with the native engine gives the same SQL)`,
  );
  for (const warning of planned.warnings) ctx.note(`migration warning: ${warning}`);
  return {
    migration: {
      name: planned.name,
      path: sqlPath,
      generator: planned.generator,
      warnings: planned.warnings,
    },
    added,
    ...teamResult,
  };
}

// ---- 3: templates ---------------------------------------------------------------------------------

function emitTemplates(ctx: GenerateContext, it: TemplateContext, templatesDir?: string): void {
  for (const template of selectInstallTemplates(listInstallTemplates(templatesDir), it)) {
    ctx.emit(template.id, it, {
      ownership: 'owned',
      prefix: template.prefix,
      tokens: { namespace: it.namespacePath },
    });
  }
}

// ---- 4: wiring ----------------------------------------------------------------------------------

/** The lines the entry needs, as one snippet (manual steps). */
export function entrySnippet(
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
          `const { ${it.names.auth} } = require('${config}');`,
          `const { ${it.names.routes} } = require('${routes}');`,
        ]
      : [`import { ${it.names.auth} } from '${config}';`, `import { ${it.names.routes} } from '${routes}';`];
  return [
    '// with the other imports:',
    ...imports,
    '',
    `// after \`const ${app} = express()\` and its app.set(...) / body parser calls, before your routes:`,
    `${app}.use(${it.names.auth}.middleware());`,
    `${app}.use(${it.names.routes});`,
  ].join('\n');
}

function wireEntry(ctx: GenerateContext, project: ProjectInfo, it: TemplateContext): void {
  const entry = project.entry;
  if (entry === null) {
    ctx.manual({
      file: `${it.project.sourceDir === '.' ? '' : `${it.project.sourceDir}/`}app.${project.language}`,
      why: 'no `express()` app found, so pow could not mount its middleware and pages; add these lines to the file that creates your app',
      snippet: entrySnippet(project, it, `${it.project.sourceDir}/app.${project.language}`),
    });
    return;
  }
  if (!entry.patchable) {
    ctx.manual({
      file: entry.path,
      why: `${entry.reason ?? 'pow cannot patch this file safely'}; add these lines where the app is built`,
      snippet: entrySnippet(project, it, entry.path, entry.appVariable ?? 'app'),
    });
    return;
  }
  const ext = project.relativeImportExtension;
  const app = entry.appVariable;
  const moduleSystem = project.moduleSystem;
  ctx.codemod(
    entry.path,
    'entry:import-pow-config',
    ensureImport({
      module: relativeSpecifier(entry.path, it.paths.config, ext),
      named: [it.names.auth],
      moduleSystem,
    }),
  );
  ctx.codemod(
    entry.path,
    'entry:import-pow-routes',
    ensureImport({
      module: relativeSpecifier(entry.path, it.paths.routes, ext),
      named: [it.names.routes],
      moduleSystem,
    }),
  );
  ctx.codemod(entry.path, 'entry:ejs-view-engine', ensureViewEngine({ app }));
  ctx.codemod(
    entry.path,
    'entry:use-pow-middleware',
    ensureAppUse({ args: `${it.names.auth}.middleware()`, app }),
  );
  ctx.codemod(entry.path, 'entry:use-pow-routes', ensureAppUse({ args: it.names.routes, app }));
}

function addDependencies(
  ctx: GenerateContext,
  it: TemplateContext,
  options: InstallOptions,
  powVersion: string,
): string[] {
  // The runtime for the generated code; the CLI (this command) as a devDependency, so a
  // production install leaves out the generator; and the optional peers of pow the app uses.
  const wanted: DependencySpec[] = [
    { name: POW_PACKAGES.runtime, range: powRange(powVersion) },
    { name: POW_PACKAGES.cli, range: powRange(powVersion), dev: true },
    { name: 'ejs', range: PINNED_VERSIONS.ejs },
    { name: '@prisma/client', range: PINNED_VERSIONS['@prisma/client'] },
  ];
  if (options.sessionStore === 'redis') wanted.push({ name: 'redis', range: PINNED_VERSIONS.redis });
  if (sendsMail(it)) wanted.push({ name: 'nodemailer', range: PINNED_VERSIONS.nodemailer });
  // The oauth extension's protocol library (the runtime loads it only when a provider is configured).
  if (it.has.oauth) wanted.push({ name: 'openid-client', range: PINNED_VERSIONS['openid-client'] });
  if (it.has.passkeys) {
    wanted.push({ name: '@simplewebauthn/server', range: PINNED_VERSIONS['@simplewebauthn/server'] });
    wanted.push({ name: '@simplewebauthn/browser', range: PINNED_VERSIONS['@simplewebauthn/browser'] });
  }
  if (it.prisma.generateClient && it.prisma.adapter) {
    for (const name of it.prisma.adapter.dependencies) {
      if (isPinned(name)) wanted.push({ name, range: PINNED_VERSIONS[name] });
    }
  }
  if (it.project.language === 'ts') {
    // Type packages of what the generated code imports (strict TypeScript refuses untyped modules).
    for (const { name } of [...wanted]) {
      const types = `@types/${name}`;
      if (isPinned(types)) wanted.push({ name: types, range: PINNED_VERSIONS[types], dev: true });
    }
  }
  const added: string[] = [];
  for (const dep of wanted) {
    const record = ctx.patch('package.json', `package.json:${dep.name}`, ensureDependencies([dep]));
    if (record.status === 'applied' || record.status === 'reapplied') added.push(dep.name);
  }
  const pkgText = ctx.tree.read('package.json');
  if (pkgText !== null) {
    try {
      const pkg = JSON.parse(pkgText) as Record<string, unknown>;
      if (listedIn(pkg, 'pow') === 'devDependencies') {
        ctx.note(
          'package.json: pow is a devDependency, but the generated code imports it at run time; move it to "dependencies".',
        );
      }
    } catch {
      // ensureDependencies already reported an invalid package.json.
    }
  }
  return added;
}

function addProjectFiles(
  ctx: GenerateContext,
  project: ProjectInfo,
  it: TemplateContext,
  env: Env,
): EnvFilesResult {
  const envFiles = addEnvFiles(ctx, { it, provider: project.prisma?.provider ?? null, env });
  ctx.patch('.gitattributes', '.gitattributes:pow', ensureGitattributesLine('.pow/** linguist-generated'));
  return envFiles;
}

/** A plausible `@default(...)` argument for a scalar type, for the manual step's example. */
function exampleDefault(type: string): string {
  if (type === 'String') return '""';
  if (type === 'Boolean') return 'false';
  if (type === 'DateTime') return 'now()';
  if (['Int', 'BigInt', 'Float', 'Decimal'].includes(type)) return '0';
  return '…';
}

/**
 * Registration creates users from the form's fields. The existing user model's own required
 * columns without a default (app-user-columns.ts) are asked for on the generated forms or filled
 * with a constant; the report says which. Columns no form input fits, and every such column for
 * invitations (created from the e-mail alone), are manual steps.
 */
function checkRequiredUserFields(
  ctx: GenerateContext,
  project: ProjectInfo,
  it: TemplateContext,
  options: InstallOptions,
): void {
  const model = project.prisma?.userModel;
  if (!model || model.name !== it.model.name) return;
  const columns = appUserColumns(model, it.userIdFields, project.prisma?.models ?? []);
  const names = (fields: { name: string }[]) => fields.map((f) => `${model.name}.${f.name}`).join(', ');
  if (options.registration && columns.inputs.length > 0) {
    ctx.note(
      `registration: the sign-up form now asks for ${names(columns.inputs)} (required columns of ${model.name} without a default)`,
    );
  }
  for (const [column, value] of Object.entries(columns.defaults)) {
    ctx.note(
      `registration: ${model.name}.${column} is your own column; pow never reads it and writes '${value}' (no password matches it) for the accounts it creates`,
    );
  }
  const invitation = it.extensions.includes('invitation');
  const unfillable = invitation ? [...columns.inputs, ...columns.unfillable] : columns.unfillable;
  if (unfillable.length === 0 || (!options.registration && !invitation)) return;
  const one = unfillable.length === 1;
  ctx.manual({
    file: model.file,
    why: invitation
      ? `${names(unfillable)} ${one ? 'is' : 'are'} required and ${one ? 'has' : 'have'} no default, so the invitation extension cannot create invited users (they get only an e-mail until they accept)`
      : `${names(unfillable)} ${one ? 'is' : 'are'} required and ${one ? 'has' : 'have'} no default, and no form input fits ${one ? 'its type' : 'their types'}, so registration cannot create users until ${one ? 'it has' : 'they have'} a default (or ${one ? 'is' : 'are'} optional)`,
    snippet: [
      `// ${model.file}, model ${model.name}: a default (or make the field optional with "?"), e.g.`,
      ...unfillable.map((f) => `${f.name} ${f.type} @default(${exampleDefault(f.type)})`),
      '// then add a migration for it: docs/guides/schema-change.md',
    ].join('\n'),
  });
}

// ---- next steps -----------------------------------------------------------------------------------

function runner(project: ProjectInfo): { exec: string; install: string; run: (script: string) => string } {
  switch (project.packageManager) {
    case 'pnpm':
      return { exec: 'pnpm exec', install: 'pnpm install', run: (s) => `pnpm ${s}` };
    case 'yarn':
      return { exec: 'yarn', install: 'yarn install', run: (s) => `yarn ${s}` };
    case 'bun':
      return { exec: 'bunx', install: 'bun install', run: (s) => `bun run ${s}` };
    default:
      return {
        exec: 'npx',
        install: 'npm install',
        run: (s) => (s === 'start' ? 'npm start' : `npm run ${s}`),
      };
  }
}

/** The "Next steps" block: exact commands, in order. */
export function nextSteps(
  project: ProjectInfo,
  it: TemplateContext,
  depsAdded: boolean,
  envFiles: EnvFilesResult | null = null,
  wroteMigration = true,
  noHistory = false,
): string[] {
  const r = runner(project);
  const steps: string[] = [];
  if (depsAdded) steps.push(`${r.install}    # install the packages pow added to package.json`);
  const urlVar = project.prisma?.urlEnvVar ?? 'DATABASE_URL';
  // Only a step that does something: no migration written, nothing for pow migrate to apply.
  if (noHistory)
    steps.push(
      `${r.exec} pow migrate    # no migration history: it writes the init migration of your models first (asks), then applies the migrations to the database in ${urlVar}`,
    );
  else if (wroteMigration)
    steps.push(`${r.exec} pow migrate    # apply the migration to the database in ${urlVar}`);
  steps.push(`${r.exec} prisma generate    # regenerate the Prisma client for the new models`);
  if (envFiles?.secretMissing !== null) {
    const why = envFiles ? ` (${envFiles.secretMissing})` : '';
    steps.push(
      `Set ${it.env.secret} in the environment or .env (32+ random characters)${why}: ${SECRET_COMMAND}`,
    );
  }
  if (it.store === 'redis' && !envFiles?.inDotEnv.includes(it.env.redisUrl))
    steps.push(`Set ${it.env.redisUrl}, e.g. redis://localhost:6379`);
  steps.push(...extensionNextSteps(it));
  const entry = project.entry;
  const app = entry?.appVariable ?? 'app';
  steps.push(
    `Protect your pages with ${it.names.entryAuth}.requireAuthenticated, e.g. ${app}.get('/dashboard', ${it.names.entryAuth}.requireAuthenticated, ...)${entry ? ` in ${entry.path}` : ''}`,
  );
  // The app's own pages get pow's feedback ("You are signed in.") and the sign-out button only
  // where the team puts them: one include in its layout (docs/getting-started.md, "Your own layout").
  if (project.views.engine === 'ejs')
    steps.push(
      `Show who is signed in, a sign-out button and pow's messages on your own pages: put <%- include('${it.views.prefix}/account-bar') %> in your layout (a view in ${it.project.viewsDir}/)`,
    );
  steps.push(startStep(project, it, r, (envFiles?.inDotEnv.length ?? 0) > 0));
  return steps;
}

/** "npm run dev, then open http://localhost:3001/registration/new", from the app's own script and port. */
function startStep(
  project: ProjectInfo,
  it: TemplateContext,
  r: ReturnType<typeof runner>,
  wroteDotEnv: boolean,
): string {
  const server = project.server;
  const script = server
    ? server.startScript
    : packageScripts(project).find((s) => s === 'dev' || s === 'start');
  const start = script ? r.run(script) : 'Start your app';
  const page = it.has.registration ? '/registration/new' : '/session/new';
  const port = server?.port ?? (server?.portEnvVar ? `$${server.portEnvVar}` : 3000);
  const open = `http://localhost:${port}${it.mountPath}${page}`;
  // Variables pow put in .env reach the app only when something loads that file.
  const note =
    wroteDotEnv && server && !server.loadsDotEnv
      ? ` (${script ? `the "${script}" script` : 'your app'} does not load .env: add --env-file=.env to its node or tsx command, or load it with dotenv)`
      : '';
  return `${start}${note}, then open ${open}`;
}

function packageScripts(project: ProjectInfo): string[] {
  // ProjectInfo carries no scripts; they only shape the last "start the app" line.
  try {
    const pkg = JSON.parse(readFileSync(join(project.root, 'package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    return Object.keys(pkg.scripts ?? {});
  } catch {
    return [];
  }
}
