import path from 'node:path';
import type { Datasource, Field, Generator, Model } from './prisma-ast.js';
import type { PrismaInfo, PrismaModelInfo, PrismaProvider, ProjectInfo } from './project-info.js';
import { majorOf, resolveVersion, type PackageData } from './detect-package.js';
import { detectPrismaConfig, type PrismaConfigInfo } from './detect-prisma-config.js';
import {
  fieldTypeName,
  printAttribute,
  printValue,
  unquote,
  type SchemaBlock,
} from './read-prisma-schema.js';
import { joinPosix, type ProjectFiles } from './read-project.js';
import { inspectErrors } from './errors.js';
import { detectUserModel } from './detect-user-model.js';

const PROVIDERS: readonly PrismaProvider[] = [
  'sqlite',
  'postgresql',
  'mysql',
  'sqlserver',
  'cockroachdb',
  'mongodb',
];
const DEFAULT_SCHEMAS = ['prisma/schema.prisma', 'schema.prisma', 'prisma/schema'];

/** Where the schema lives, before it is parsed. */
export interface SchemaLocation {
  schemaPath: string;
  schemaFiles: string[];
  multiFile: boolean;
  schemaSource: PrismaInfo['schemaSource'];
  config: PrismaConfigInfo | null;
}

/**
 * Finds the schema the way Prisma does: prisma.config.* `schema`, then package.json#prisma.schema,
 * then the defaults. Throws POW_PRISMA_NOT_FOUND when the app has no Prisma at all and
 * POW_PRISMA_SCHEMA_NOT_FOUND when Prisma is installed but the schema is missing.
 */
export function locatePrismaSchema(files: ProjectFiles, pkg: PackageData): SchemaLocation {
  const config = detectPrismaConfig(files);
  const lookedIn: string[] = [];
  const candidates: Array<[string, PrismaInfo['schemaSource']]> = [];
  if (config?.schema) {
    candidates.push([files.rel(config.schema), 'prisma.config.ts']);
    lookedIn.push(`${config.file} (schema: ${files.rel(config.schema)})`);
  } else {
    lookedIn.push(config ? `${config.file} (no schema key)` : 'prisma.config.ts');
  }
  if (pkg.prismaSchema !== null) {
    const relative = joinPosix(pkg.prismaSchema);
    candidates.push([relative, 'package.json']);
    lookedIn.push(`package.json#prisma.schema (${relative})`);
  } else {
    lookedIn.push('package.json#prisma.schema');
  }
  for (const file of DEFAULT_SCHEMAS) {
    candidates.push([file, 'default']);
    lookedIn.push(file.endsWith('.prisma') ? file : `${file}/`);
  }
  // An explicit setting that points nowhere is an error rather than a silent fall-back.
  const explicit = candidates.filter(([, source]) => source !== 'default');
  const [first] = explicit;
  if (first !== undefined && !files.exists(first[0])) {
    throw inspectErrors.schemaNotFound([
      `${first[0]} (from ${first[1] === 'package.json' ? 'package.json#prisma.schema' : config?.file})`,
    ]);
  }
  for (const [candidate, schemaSource] of candidates) {
    if (files.isFile(candidate)) {
      return { schemaPath: candidate, schemaFiles: [candidate], multiFile: false, schemaSource, config };
    }
    if (files.isDirectory(candidate)) {
      const schemaFiles = prismaFilesIn(files, candidate);
      if (schemaFiles.length === 0) continue;
      return { schemaPath: candidate, schemaFiles, multiFile: true, schemaSource, config };
    }
  }
  const hasPrisma = 'prisma' in pkg.dependencies || '@prisma/client' in pkg.dependencies;
  if (!hasPrisma && config === null) throw inspectErrors.prismaNotFound(lookedIn);
  throw inspectErrors.schemaNotFound(lookedIn);
}

/**
 * Everything pow needs to know about the app's Prisma set-up. `sourceDir` and
 * `relativeImportExtension` decide how generated files import the client.
 */
export function detectPrisma(
  files: ProjectFiles,
  pkg: PackageData,
  location: SchemaLocation,
  blocks: SchemaBlock[],
  options: {
    sourceDir: string;
    relativeImportExtension: ProjectInfo['relativeImportExtension'];
    /** The users model the team named; undefined: detected (detect-user-model.ts). */
    userModel?: string;
  },
): PrismaInfo {
  const version = resolveVersion(files, pkg, 'prisma') ?? resolveVersion(files, pkg, '@prisma/client');

  const datasource = blocks.find((entry) => entry.block.type === 'datasource') as
    (SchemaBlock & { block: Datasource }) | undefined;
  if (datasource === undefined) throw inspectErrors.noDatasource(location.schemaFiles);
  const providerValue = assignment(datasource.block, 'provider');
  const provider = unquote(providerValue);
  if (provider === null || !PROVIDERS.includes(provider as PrismaProvider)) {
    throw inspectErrors.unsupportedProvider(datasource.file, provider ?? printValue(providerValue ?? null));
  }

  const schemaUrl = assignment(datasource.block, 'url');
  const schemaUrlEnv =
    schemaUrl !== undefined &&
    typeof schemaUrl === 'object' &&
    schemaUrl !== null &&
    !Array.isArray(schemaUrl) &&
    schemaUrl.type === 'function' &&
    schemaUrl.name === 'env'
      ? unquote(schemaUrl.params?.[0])
      : null;
  let urlEnvVar: string | null = null;
  let urlLocation: PrismaInfo['urlLocation'] = null;
  if (schemaUrl !== undefined) {
    urlEnvVar = schemaUrlEnv;
    urlLocation = 'schema';
  } else if (location.config?.urlEnvVar) {
    urlEnvVar = location.config.urlEnvVar;
    urlLocation = 'config';
  }

  const generatorEntry = blocks.find(
    (entry) =>
      entry.block.type === 'generator' && isClientGenerator(unquote(assignment(entry.block, 'provider'))),
  ) as (SchemaBlock & { block: Generator }) | undefined;
  if (generatorEntry === undefined) throw inspectErrors.noClientGenerator(location.schemaFiles);
  const generatorProvider = unquote(
    assignment(generatorEntry.block, 'provider'),
  ) as PrismaInfo['generator']['provider'];
  const outputValue = unquote(assignment(generatorEntry.block, 'output'));
  // Prisma resolves `output` against the folder of the file that declares the generator.
  const output =
    outputValue === null ? null : joinPosix(path.posix.dirname(generatorEntry.file), outputValue);

  const migrationsDir = location.config?.migrationsPath
    ? files.rel(location.config.migrationsPath)
    : joinPosix(path.posix.dirname(datasource.file), 'migrations');

  const models = blocks.filter(
    (entry): entry is SchemaBlock & { block: Model } => entry.block.type === 'model',
  );
  const userModel =
    options.userModel ??
    detectUserModel(models.map((entry) => ({ name: entry.block.name, tableName: mappedTable(entry.block) })));
  const user = models.find((entry) => entry.block.name === userModel);

  return {
    version,
    major: version === null ? null : majorOf(version),
    schemaPath: location.schemaPath,
    schemaFiles: location.schemaFiles,
    multiFile: location.multiFile,
    schemaSource: location.schemaSource,
    configFile: location.config?.file ?? null,
    provider: provider as PrismaProvider,
    urlEnvVar,
    urlLocation,
    generator: { provider: generatorProvider, output },
    clientImport: clientImport(generatorProvider, output, options.sourceDir, options.relativeImportExtension),
    migrationsDir,
    userModel: user === undefined ? null : modelInfo(user.file, user.block),
    models: models.map((entry) => entry.block.name),
  };
}

/**
 * The import specifier of the generated client from files directly in `sourceDir`:
 * `prisma-client` → `<output>/client` (+ ".js" under NodeNext); `prisma-client-js` →
 * `@prisma/client`, or `<output>/index` when a custom output is set.
 */
export function clientImport(
  provider: PrismaInfo['generator']['provider'],
  output: string | null,
  sourceDir: string,
  extension: ProjectInfo['relativeImportExtension'],
): string {
  if (output === null) return '@prisma/client';
  let relative = path.posix.relative(sourceDir === '.' ? '' : sourceDir, output) || '.';
  if (!relative.startsWith('.')) relative = `./${relative}`;
  if (provider === 'prisma-client') return `${relative}/client${extension}`;
  return extension === '' ? relative : `${relative}/index${extension}`;
}

function modelInfo(file: string, model: Model): PrismaModelInfo {
  const fields = model.properties.filter((property): property is Field => property.type === 'field');
  const idField = fields.find((field) =>
    (field.attributes ?? []).some((attribute) => attribute.name === 'id' && !attribute.group),
  );
  if (idField === undefined) throw inspectErrors.userModelWithoutId(file, model.name);
  const idType = fieldTypeName(idField);
  if (idType !== 'String' && idType !== 'Int' && idType !== 'BigInt') {
    throw inspectErrors.userModelIdType(file, model.name, idField.name, idType);
  }
  const defaultAttribute = (idField.attributes ?? []).find(
    (attribute) => attribute.name === 'default' && !attribute.group,
  );
  const defaultValue = defaultAttribute?.args?.[0]?.value;
  let idDefault: PrismaModelInfo['idDefault'] = null;
  if (defaultAttribute !== undefined) {
    const fn =
      typeof defaultValue === 'object' &&
      defaultValue !== null &&
      !Array.isArray(defaultValue) &&
      defaultValue.type === 'function'
        ? defaultValue.name
        : null;
    idDefault = fn === 'autoincrement' || fn === 'uuid' || fn === 'cuid' ? fn : 'other';
  }
  return {
    name: model.name,
    tableName: mappedTable(model),
    file,
    fields: fields.map((field) => ({
      name: field.name,
      type: fieldTypeName(field),
      optional: field.optional ?? false,
      list: field.array ?? false,
      attributes: (field.attributes ?? []).map(printAttribute),
    })),
    idField: idField.name,
    idType,
    idDefault,
  };
}

/** The model's `@@map` table name, or null. */
function mappedTable(model: Model): string | null {
  const mapAttribute = model.properties.find(
    (property) => property.type === 'attribute' && property.kind === 'object' && property.name === 'map',
  );
  const mapValue = mapAttribute?.type === 'attribute' ? mapAttribute.args?.[0]?.value : undefined;
  return unquote(mapValue as never) ?? null;
}

/** Output folders (root-relative) of every generator block: generated code, never the app's own. */
export function generatorOutputs(blocks: SchemaBlock[]): string[] {
  const outputs: string[] = [];
  for (const { file, block } of blocks) {
    if (block.type !== 'generator') continue;
    const output = unquote(assignment(block, 'output'));
    if (output !== null) outputs.push(joinPosix(path.posix.dirname(file), output));
  }
  return outputs;
}

function assignment(block: Datasource | Generator | SchemaBlock['block'], key: string) {
  if (block.type !== 'datasource' && block.type !== 'generator') return undefined;
  for (const entry of block.assignments)
    if (entry.type === 'assignment' && entry.key === key) return entry.value;
  return undefined;
}

function isClientGenerator(provider: string | null): boolean {
  return provider === 'prisma-client' || provider === 'prisma-client-js';
}

function prismaFilesIn(files: ProjectFiles, dir: string): string[] {
  const out: string[] = [];
  for (const name of files.list(dir)) {
    const relative = `${dir}/${name}`;
    if (files.isDirectory(relative)) {
      if (name !== 'migrations' && name !== 'node_modules') out.push(...prismaFilesIn(files, relative));
    } else if (name.endsWith('.prisma')) {
      out.push(relative);
    }
  }
  return out.sort();
}
