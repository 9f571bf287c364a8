import { PowError } from '../shared/pow-error.js';

/**
 * Factories for every error `inspectProject` throws. Codes are stable and documented: they
 * appear in `--json` output, so never rename one.
 */
export const inspectErrors = {
  noPackageJson(dir: string): PowError {
    return new PowError({
      code: 'POW_NO_PACKAGE_JSON',
      message: `No package.json in ${dir}. pow works on the root folder of a Node project.`,
      fix: 'Run pow in the folder that holds your app\'s package.json (or pass --cwd <dir>), or create one with "npm init -y".',
    });
  },

  invalidPackageJson(reason: string): PowError {
    return new PowError({
      code: 'POW_INVALID_PACKAGE_JSON',
      message: `package.json is not valid JSON: ${reason}.`,
      fix: 'Repair package.json (npm pkg get name shows whether npm can read it), then run pow again.',
    });
  },

  frameworkUnsupported(name: string, version: string): PowError {
    return new PowError({
      code: 'POW_FRAMEWORK_UNSUPPORTED',
      message: `${name} is not supported yet: package.json lists ${name} ${version}, and pow only sets up Express 4 and 5 apps.`,
      fix: `Run pow on an Express app (npm install express), or use pow's runtime (import { createPow } from 'pow') in your ${name} app by hand.`,
    });
  },

  frameworkNotFound(): PowError {
    return new PowError({
      code: 'POW_FRAMEWORK_NOT_FOUND',
      message: 'No web framework found: package.json lists neither express nor a framework pow knows.',
      fix: 'Add Express to the app (npm install express), then run pow again.',
    });
  },

  expressVersionUnsupported(version: string): PowError {
    return new PowError({
      code: 'POW_FRAMEWORK_UNSUPPORTED',
      message: `express ${version} is not supported: pow sets up Express 4 and 5 apps.`,
      fix: 'Upgrade Express (npm install express@5), then run pow again.',
    });
  },

  invalidTsconfig(file: string, reason: string): PowError {
    return new PowError({
      code: 'POW_INVALID_TSCONFIG',
      message: `Could not read ${file}: ${reason}.`,
      fix: `Repair ${file} (npx tsc --showConfig prints what TypeScript reads), then run pow again.`,
    });
  },

  prismaNotFound(lookedIn: string[]): PowError {
    return new PowError({
      code: 'POW_PRISMA_NOT_FOUND',
      message: `No Prisma set-up found: package.json lists neither prisma nor @prisma/client, and there is no schema (looked in ${lookedIn.join(', ')}).`,
      fix: 'Set up Prisma first: npm install prisma @prisma/client && npx prisma init --datasource-provider sqlite',
    });
  },

  schemaNotFound(lookedIn: string[]): PowError {
    return new PowError({
      code: 'POW_PRISMA_SCHEMA_NOT_FOUND',
      message: `No Prisma schema found. Looked in ${lookedIn.join(', ')}.`,
      fix: 'Create one with "npx prisma init", or point prisma.config.ts (schema: \'path/to/schema.prisma\') at yours.',
    });
  },

  schemaSyntax(file: string, detail: string, line?: number, column?: number): PowError {
    const where =
      line === undefined ? '' : column === undefined ? ` line ${line}` : ` line ${line}, column ${column}`;
    return new PowError({
      code: 'POW_PRISMA_SCHEMA_INVALID',
      message: `Could not parse the Prisma schema ${file}${where ? ` at${where}` : ''}: ${detail}.`,
      fix: `Correct ${file}${where ? ` (${where.trim()})` : ''}, check it with "npx prisma validate", then run pow again.`,
    });
  },

  prismaConfigInvalid(file: string, reason: string): PowError {
    return new PowError({
      code: 'POW_PRISMA_CONFIG_INVALID',
      message: `Could not read ${file}: ${reason}.`,
      fix: `Make ${file} export defineConfig({ schema: '...' }) with literal values pow can read, or remove the setting.`,
    });
  },

  noDatasource(files: string[]): PowError {
    return new PowError({
      code: 'POW_PRISMA_NO_DATASOURCE',
      message: `The Prisma schema (${files.join(', ')}) has no datasource block with a provider.`,
      fix: 'Add: datasource db { provider = "sqlite" } (or postgresql/mysql) to the schema.',
    });
  },

  unsupportedProvider(file: string, provider: string): PowError {
    return new PowError({
      code: 'POW_PRISMA_PROVIDER_UNSUPPORTED',
      message: `${file}: datasource provider "${provider}" is not one pow knows (sqlite, postgresql, mysql, sqlserver, cockroachdb, mongodb).`,
      fix: 'Use a literal provider such as provider = "postgresql" in the datasource block.',
    });
  },

  noClientGenerator(files: string[]): PowError {
    return new PowError({
      code: 'POW_PRISMA_NO_CLIENT_GENERATOR',
      message: `The Prisma schema (${files.join(', ')}) has no generator with provider "prisma-client" or "prisma-client-js".`,
      fix: 'Add: generator client { provider = "prisma-client" output = "../src/generated/prisma" } to the schema.',
    });
  },

  userModelWithoutId(file: string, model: string): PowError {
    return new PowError({
      code: 'POW_USER_MODEL_ID_UNSUPPORTED',
      message: `${file}: model ${model} has no single @id field (composite @@id is not supported for users).`,
      fix: `Give ${model} one id field, e.g. id String @id @default(uuid()), or pass --user-model <Model>.`,
    });
  },

  userModelIdType(file: string, model: string, field: string, type: string): PowError {
    return new PowError({
      code: 'POW_USER_MODEL_ID_UNSUPPORTED',
      message: `${file}: ${model}.${field} is a ${type}; pow supports user ids of type String, Int or BigInt.`,
      fix: `Change ${model}.${field} to String (e.g. @default(uuid())) or Int (@default(autoincrement())), or pass --user-model <Model>.`,
    });
  },
};
