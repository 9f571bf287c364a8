import { readdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isPowMigration } from '../prisma/migrations.js';
import type { CommandModule } from './index.js';
import type { ProjectInfo } from '../inspect/project-info.js';
import { PowError } from '../shared/pow-error.js';
import type { TableRow } from '../cli/output.js';
import { apiRoutesNote, powPathCollisionsNote } from '../inspect/api-routes-note.js';
import { DEFAULT_USER_MODEL } from '../inspect/detect-user-model.js';

interface InspectOptions {
  json?: boolean;
  cwd?: string;
  userModel?: string;
}

/** `pow inspect`: prints what pow detects about the project. Read-only. */
export const command: CommandModule = {
  name: 'inspect',
  register(program, ctx) {
    program
      .command('inspect')
      .description(
        'show what pow detects about the project (framework, entry, views, Prisma); writes nothing',
      )
      .option('--json', 'print the project facts as JSON only')
      .option('--cwd <dir>', 'project directory (default: the current directory)')
      .option(
        '--user-model <name>',
        'Prisma model that holds the users (default: User, or the model named or mapped like user/users)',
      )
      .action(async (options: InspectOptions) => {
        if (options.userModel !== undefined && !/^[A-Za-z][A-Za-z0-9_]*$/.test(options.userModel)) {
          throw new PowError({
            code: 'POW_INVALID_OPTION',
            message: `--user-model ${JSON.stringify(options.userModel)} is not a Prisma model name.`,
            fix: 'Pass a model name made of letters, digits and underscores, e.g. --user-model Account.',
            exitCode: 2,
          });
        }
        // Loaded on use: ts-morph is heavy, and `pow --help` should not wait for it.
        const { inspectProject } = await import('../inspect/inspect-project.js');
        const info = await inspectProject(ctx.openProject(options.cwd), { userModel: options.userModel });
        if (options.json) ctx.out.json(info);
        else ctx.out.table(inspectRows(info, options.userModel ?? DEFAULT_USER_MODEL));
      });
  },
};

/** The human-readable fact sheet, one labelled row per fact. */
export function inspectRows(info: ProjectInfo, userModelName = 'User'): TableRow[] {
  const languageName = info.language === 'ts' ? 'TypeScript' : 'JavaScript';
  const imports =
    info.relativeImportExtension === '' ? 'no extension' : `end in ${info.relativeImportExtension}`;
  const rows: TableRow[] = [
    ['Project', `${info.packageName ?? '(unnamed)'} (${info.root})`],
    ['Package manager', info.packageManager],
    [
      'Language',
      `${languageName}, ${info.moduleSystem === 'esm' ? 'ES modules' : 'CommonJS'} (relative imports: ${imports})`,
    ],
    ['Source dir', info.sourceDir],
    ['Framework', `Express ${info.framework.version}`],
    ['Entry', entryText(info)],
    [
      'Views',
      info.views.dir === null
        ? 'none found'
        : `${info.views.dir} (engine: ${info.views.engine ?? 'not set'})`,
    ],
    [
      'Prisma client',
      info.prismaClientModule === null
        ? `none exported: pow generates ${info.sourceDir === '.' ? '' : `${info.sourceDir}/`}pow/prisma.${info.language}`
        : `${info.prismaClientModule.path} (export ${info.prismaClientModule.exportName})`,
    ],
  ];
  const prisma = info.prisma;
  if (prisma === null) return [...rows, ['Prisma', 'not found']];
  rows.push(
    ['Prisma', `${prisma.version ?? 'version unknown'} (provider: ${prisma.provider})`],
    [
      'Schema',
      prisma.multiFile
        ? `${prisma.schemaPath}/ (${prisma.schemaFiles.length} files, ${schemaSourceText(prisma)})`
        : `${prisma.schemaPath} (${schemaSourceText(prisma)})`,
    ],
    ['Prisma config', prisma.configFile ?? 'none'],
    [
      'Database URL',
      prisma.urlEnvVar === null
        ? 'not set'
        : `env ${prisma.urlEnvVar} (in ${prisma.urlLocation === 'schema' ? 'the schema' : prisma.configFile})`,
    ],
    [
      'Generator',
      `${prisma.generator.provider}${prisma.generator.output ? ` → ${prisma.generator.output}` : ''}`,
    ],
    [
      'Client import',
      `${prisma.clientImport} (from ${info.sourceDir === '.' ? 'the root' : `${info.sourceDir}/`})`,
    ],
    ['Migrations', migrationsText(info.root, prisma.migrationsDir)],
    ['Models', prisma.models.length === 0 ? 'none' : prisma.models.join(', ')],
    ['User model', userModelText(info, userModelName)],
  );
  if (info.appRoutes) rows.push(['App routes', appRoutesText(info.appRoutes)]);
  return rows;
}

/**
 * The migrations folder, and whether it holds a history of the app's own models: without one
 * (`prisma db push`, or no folder) pow's migration alone would not build the app's tables.
 */
function migrationsText(root: string, migrationsDir: string): string {
  let names: string[] = [];
  try {
    names = readdirSync(isAbsolute(migrationsDir) ? migrationsDir : join(root, migrationsDir), {
      withFileTypes: true,
    })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    // no folder: no history
  }
  const own = names.filter((n) => !isPowMigration(n)).length;
  if (own > 0) return `${migrationsDir} (${names.length} migration${names.length === 1 ? '' : 's'})`;
  const what =
    names.length === 0 ? 'no migration history' : "pow's migrations only, no history of your models";
  return `${migrationsDir} (${what}: \`pow migrate\` writes the init migration from your schema first, or records a database's existing tables as applied)`;
}

/** The app's routes: how many, the API ones listed, and what pow does with them. */
function appRoutesText(appRoutes: NonNullable<ProjectInfo['appRoutes']>): string {
  const { routes, apiRoutes } = appRoutes;
  if (routes.length === 0) return 'none found';
  const header = `${routes.length} found, ${apiRoutes} of them API route${apiRoutes === 1 ? '' : 's'}`;
  const collisions = powPathCollisionsNote(appRoutes);
  const note = apiRoutesNote(appRoutes);
  if (note === null) return collisions === null ? header : [header, collisions].join('\n');
  const api = routes.filter((route) => route.api);
  const shown = api.slice(0, API_ROUTES_SHOWN);
  const methodWidth = Math.max(...shown.map((route) => route.method.length));
  const lines = shown.map(
    (route) => `  ${route.method.padEnd(methodWidth)}  ${route.path}  (${route.file}:${route.line})`,
  );
  if (api.length > shown.length)
    lines.push(`  ... and ${api.length - shown.length} more (pow inspect --json)`);
  return [header, ...lines, note, ...(collisions === null ? [] : [collisions])].join('\n');
}

const API_ROUTES_SHOWN = 12;

function schemaSourceText(prisma: NonNullable<ProjectInfo['prisma']>): string {
  if (prisma.schemaSource === 'prisma.config.ts') return `from ${prisma.configFile ?? 'prisma.config.ts'}`;
  if (prisma.schemaSource === 'package.json') return 'from package.json#prisma.schema';
  return 'default location';
}

function entryText(info: ProjectInfo): string {
  const entry = info.entry;
  if (entry === null) return "not found (no express() call in the app's files)";
  if (entry.patchable) return `${entry.path} (app variable: ${entry.appVariable}, patchable)`;
  return `${entry.path} (not patchable: ${entry.reason ?? 'unknown reason'})`;
}

function userModelText(info: ProjectInfo, name: string): string {
  const model = info.prisma?.userModel;
  if (model === null || model === undefined) return `none: pow adds model ${name}`;
  const idDefault =
    model.idDefault === null
      ? 'no default'
      : model.idDefault === 'other'
        ? 'other default'
        : `${model.idDefault}()`;
  const table = model.tableName ? ` (table ${model.tableName})` : '';
  const header = `${model.name} in ${model.file}${table}; id field ${model.idField}: ${model.idType}, ${idDefault}`;
  const nameWidth = Math.max(...model.fields.map((field) => field.name.length));
  const typeWidth = Math.max(...model.fields.map((field) => typeText(field).length));
  const fields = model.fields.map((field) =>
    `  ${field.name.padEnd(nameWidth)}  ${typeText(field).padEnd(typeWidth)}  ${field.attributes.join(' ')}`.trimEnd(),
  );
  return [header, ...fields].join('\n');
}

function typeText(field: { type: string; optional: boolean; list: boolean }): string {
  return `${field.type}${field.list ? '[]' : ''}${field.optional ? '?' : ''}`;
}
