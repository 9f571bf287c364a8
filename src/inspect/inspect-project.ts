import path from 'node:path';
import type { ProjectInfo } from './project-info.js';
import { detectPackage } from './detect-package.js';
import { detectPackageManager } from './detect-package-manager.js';
import { detectFramework } from './detect-framework.js';
import { detectTsconfig } from './detect-tsconfig.js';
import { detectModuleSystem } from './detect-module-system.js';
import { detectEntry, detectHomePage, detectViews } from './detect-entry.js';
import { detectPrismaClientModule } from './detect-prisma-client-module.js';
import { detectPrisma, generatorOutputs, locatePrismaSchema } from './detect-prisma.js';
import { readPrismaSchema } from './read-prisma-schema.js';
import { scanSources } from './source-files.js';
import { detectAppRoutes } from './detect-routes.js';
import { detectServer } from './detect-server.js';
import { readProject, type ProjectFiles } from './read-project.js';
import type { EntryInfo } from './project-info.js';
import type { TsconfigInfo } from './detect-tsconfig.js';

export interface InspectOptions {
  /** Name of the model that holds users (default: detected, see detect-user-model.ts). */
  userModel?: string;
}

/**
 * Reads a project and returns its fact sheet. Never writes: every detector reads from disk and
 * parses in memory (ts-morph with an in-memory file system, @mrleebo/prisma-ast).
 *
 * Throws a PowError for set-ups pow cannot work on: no package.json, no Express (or another
 * framework), no Prisma schema, a schema that does not parse.
 */
export async function inspectProject(cwd: string, options: InspectOptions = {}): Promise<ProjectInfo> {
  const root = path.resolve(cwd);
  const files = readProject(root);
  const pkg = detectPackage(files);
  const framework = detectFramework(files, pkg);
  const packageManager = detectPackageManager(files, pkg);
  const tsconfig = detectTsconfig(files);
  const schema = locatePrismaSchema(files, pkg);
  const blocks = readPrismaSchema(files, schema.schemaFiles);

  // The Prisma generator's output is generated code: never the app's entry or client module.
  // `.json(`: handlers of API routes may live in files that import nothing from Express.
  const scan = scanSources(files, ['express', 'PrismaClient', '.json('], generatorOutputs(blocks));
  const app = detectEntry(scan, pkg);
  const entry = app?.entry ?? null;
  const language = detectLanguage(entry, tsconfig);
  const { moduleSystem, relativeImportExtension } = detectModuleSystem(pkg, language, tsconfig);
  const sourceDir = detectSourceDir(files, entry, tsconfig);
  const views = detectViews(files, app);

  return {
    root,
    packageName: pkg.name,
    packageManager,
    language,
    moduleSystem,
    relativeImportExtension,
    sourceDir,
    framework,
    entry,
    views,
    prismaClientModule: detectPrismaClientModule(scan, entry?.path ?? null),
    prisma: detectPrisma(files, pkg, schema, blocks, {
      sourceDir,
      relativeImportExtension,
      userModel: options.userModel,
    }),
    appRoutes: detectAppRoutes(files, scan),
    server: detectServer(
      scanSources(files, ['.listen(', 'loadEnvFile('], generatorOutputs(blocks)),
      pkg,
      detectHomePage(app, views),
    ),
  };
}

/** TypeScript when the entry is a .ts file, or (with no entry) when tsconfig.json exists. */
function detectLanguage(entry: EntryInfo | null, tsconfig: TsconfigInfo | null): ProjectInfo['language'] {
  if (entry !== null) return /\.[cm]?tsx?$/.test(entry.path) ? 'ts' : 'js';
  return tsconfig !== null ? 'ts' : 'js';
}

/**
 * Where pow puts generated code: tsconfig's rootDir when set, else the top folder of the entry
 * (`src/app.ts` → "src"), else "src" when it exists, else the root.
 */
function detectSourceDir(
  files: ProjectFiles,
  entry: EntryInfo | null,
  tsconfig: TsconfigInfo | null,
): string {
  if (
    tsconfig?.rootDir &&
    tsconfig.rootDir !== '.' &&
    !tsconfig.rootDir.startsWith('..') &&
    files.isDirectory(tsconfig.rootDir)
  ) {
    return tsconfig.rootDir;
  }
  if (entry !== null) {
    const slash = entry.path.indexOf('/');
    return slash === -1 ? '.' : entry.path.slice(0, slash);
  }
  return files.isDirectory('src') ? 'src' : '.';
}
