/**
 * The typed data every template of `pow install` and `pow gen.templates` receives as `it`.
 *
 * Everything a template needs is computed here, in code that can be unit-tested: names per
 * namespace, output paths, import specifiers per file (project language, module system and
 * relative import extension), the Prisma client import and driver adapter, and the form fields
 * of the views. Templates only hold small conditionals over these values.
 *
 * Output paths mirror the template paths: the `__namespace__` token is one path segment that
 * becomes `admin` for the admin namespace and disappears for the default one
 * (`pow/__namespace__/config.ts` → `src/pow/config.ts` | `src/pow/admin/config.ts`).
 */
import { posix } from 'node:path';
import type { PrismaModelInfo, PrismaProvider, ProjectInfo } from '../inspect/project-info.js';
import type { ExtensionName } from '../runtime/core/types.js';
import { EXTENSION_NAMES } from '../runtime/core/extension-names.js';
import { PowError } from '../shared/pow-error.js';
import { fieldLabelExpression, userIdLabelExpression } from './id-field-labels.js';
import { appUserColumns, type AppUserColumns } from './app-user-columns.js';
import { credentialFieldsFor } from '../runtime/core/user-layout.js';
import { identityModelName } from '../runtime/oauth/identities.js';
import { templateProviders, type TemplateProvider } from './oauth-providers.js';

export type StoreKind = 'memory' | 'prisma' | 'redis';

export { EXTENSION_NAMES } from '../runtime/core/extension-names.js';

/** Choices of `pow install` / `pow gen.templates` that shape the templates. */
export interface TemplateOptions {
  /** `admin` for a second user type mounted at `/admin`; null/undefined/"" for the default users. */
  namespace?: string | null;
  /** Prisma model of this user type. Default: the inspected user model or "User"; for a namespace its PascalCase name ("Admin"). */
  userModel?: string;
  /** Fields a person signs in with. Default ["email"]. */
  userIdFields?: readonly string[];
  /** Default "prisma". */
  store?: StoreKind;
  /** Enabled extensions, in hook order. Default none. */
  extensions?: readonly ExtensionName[];
  /** oauth extension: "github", "google", "oidc:<name>", in button order. Default none. */
  oauthProviders?: readonly string[];
  /** `--no-registration` → false: no registration controller, views or routes. Default true. */
  registration?: boolean;
  /**
   * The inspected user model is pow's own, created by an earlier run (src/recipes/user-model-origin.ts):
   * pow's fields live on it. Default false: an existing model is the app's.
   */
  userModelIsPows?: boolean;
}

/** One `import ... from '...'` as the template writes it. */
export interface ModuleImport {
  /** Module specifier, e.g. "../db.js", "@prisma/client". */
  specifier: string;
  /** Export the module provides ("default" for a default export). */
  exportName: string;
  /** Import clause that binds it to the local name the template uses: `{ prisma }`, `{ db as prisma }`, `prisma`. */
  clause: string;
}

/** An identifier field of the registration and account forms. */
export interface IdFieldInput {
  /** Form field name = Prisma field name: "email", "username", "phone". */
  name: string;
  /** EJS expression printing the label: `pow.t('fields.email')` (see id-field-labels.ts). */
  label: string;
  type: 'email' | 'tel' | 'text';
  inputmode: 'email' | null;
  /** Value of `autocomplete`, or null to leave the attribute out. */
  autocomplete: 'username' | 'email' | 'tel' | null;
  required: boolean;
}

/** The driver adapter the generated Prisma client needs (Prisma ≥ 7), or null. */
export interface PrismaAdapter {
  /** Package to import the adapter from: "@prisma/adapter-pg". */
  packageName: string;
  /** Exported class: "PrismaPg". */
  className: string;
  /** Prisma's name for the adapter's database family (`factory.provider`): "postgres". */
  provider: 'postgres' | 'mysql' | 'sqlite' | 'sqlserver';
  /** Expression that builds it from a `url` parameter: "new PrismaPg(pgPoolOptions(url))". */
  construct: string;
  /**
   * pow's helpers the expression uses (imported from 'pow'): the pool and statement timeouts of
   * PostgreSQL and MariaDB (stores/database-timeouts.ts), so an outage fails queries in seconds.
   */
  powImports: string[];
  /** Packages the app needs at run time for it (the adapter and its driver). */
  dependencies: string[];
}

export interface TemplateContext {
  /** "admin", or null for the default user type. */
  namespace: string | null;
  /** Replacement of the `__namespace__` path token: "admin" or "" (segment removed). */
  namespacePath: string;
  /** Name of the user type: "user", "admin" (store keys, `createPow({ userType })`). */
  userType: string;
  /** Where this type's routes live: "" for users, "/admin". */
  mountPath: string;
  /** `req`/`res.locals` key of the signed-in user: "currentUser", "currentAdmin". */
  currentUserKey: string;
  /** Session cookie name: "pow_user", "pow_admin". */
  cookieName: string;
  /** Environment variables the generated code reads. */
  env: {
    secret: 'POW_SECRET';
    baseUrl: 'POW_BASE_URL';
    redisUrl: 'REDIS_URL';
    /** The key that encrypts TOTP secrets at rest (two-factor). */
    twoFactorKey: 'POW_TWO_FACTOR_KEY';
    databaseUrl: string;
  };

  model: {
    /** Prisma model name: "User". */
    name: string;
    /** Prisma client delegate: "user" (`prisma.user`). */
    delegate: string;
    idField: string;
    idType: 'Int' | 'String' | 'BigInt';
    /** TypeScript type of the id: "number" | "string" | "bigint". */
    tsIdType: 'number' | 'string' | 'bigint';
  };
  userIdFields: string[];
  /** The one identifier field of the sign-in form (form field name `user_id`). */
  signIn: {
    /**
     * EJS expression printing the label, naming every user id field: `pow.t('fields.email')`,
     * or `pow.t('fields.one_of.two', { first: pow.t('fields.email'), last: pow.t('fields.in_list.phone') })`
     * for "Email or phone number" (see id-field-labels.ts).
     */
    label: string;
    /** "email" / "tel" when that is the only id field, else "text". */
    type: 'email' | 'tel' | 'text';
    inputmode: 'email' | null;
  };
  /** Identifier inputs of the registration and account forms, in `userIdFields` order. */
  idFieldInputs: IdFieldInput[];
  /**
   * The existing user model's own required columns registration fills (app-user-columns.ts):
   * inputs on the sign-up and account forms, and constants (`userDefaults`).
   */
  appColumns: Pick<AppUserColumns, 'inputs' | 'defaults'>;
  /**
   * The fields pow keeps in the credential model because the existing user model lacks them
   * (config `credentialFields`; src/runtime/core/user-layout.ts); [] for a model pow creates.
   */
  credentialFields: string[];

  store: StoreKind;
  extensions: ExtensionName[];
  registration: boolean;
  /** Shorthands for template conditionals. */
  has: {
    registration: boolean;
    emailConfirmation: boolean;
    resetPassword: boolean;
    persistentSession: boolean;
    invitation: boolean;
    sessions: boolean;
    passkeys: boolean;
    magicLink: boolean;
    securityLog: boolean;
    twoFactor: boolean;
    oauth: boolean;
  };

  /** The oauth extension: its providers (empty when off) and the identities model. */
  oauth: {
    providers: TemplateProvider[];
    /** "UserIdentity". */
    identityModel: string;
  };

  project: {
    language: 'ts' | 'js';
    moduleSystem: 'esm' | 'cjs';
    relativeImportExtension: '' | '.js';
    /** "src" or "." */
    sourceDir: string;
    /** The app's views folder, relative to the root ("views" unless inspect found another). */
    viewsDir: string;
    expressMajor: 4 | 5;
  };

  /**
   * `powExpress({ landingPath })`: a namespace's own landing page (its mount path, "/admin", served
   * by its routes file); for the default users pow's account page when the app has no page at `/`
   * (a JSON API) and registration is on; null keeps Pow's default (`/`).
   */
  landingPath: string | null;
  /** The namespace as people read it in the layout ("admin" → "Admin"); null for the default users. */
  namespaceLabel: string | null;
  /**
   * The app's name in its mails (config `mail.appName`): package.json's name without its scope
   * ("@acme/shop" → "shop"), else the project folder's name; only letters, digits, space, `.`, `_`, `-`.
   */
  appName: string;

  /** Where the app listens in development (inspect's `server`, 3000 when unknown). */
  server: {
    port: number;
    /** `http://localhost:<port>`: the development fallback of the base URL of links in e-mails. */
    devBaseUrl: string;
  };

  views: {
    /** Prefix for `res.render`: "pow" | "admin/pow" → `res.render('admin/pow/session/new.ejs')`. */
    prefix: string;
  };

  /** Output paths relative to the project root, with the project's file extension. */
  paths: {
    config: string;
    /** Generated Prisma client module (only emitted when `prisma.generateClient`). */
    prismaClient: string;
    sessionController: string;
    registrationController: string;
    routes: string;
    /** This namespace's folder of views: "views/pow", "views/admin/pow". */
    viewsDir: string;
    stylesheet: string;
  };

  /** Import specifiers and clauses, computed for the file that contains the import. */
  imports: {
    config: { prisma: ModuleImport };
    prismaClient: { client: ModuleImport };
    sessionController: { config: string };
    registrationController: { config: string };
    routes: { config: string; sessionController: string; registrationController: string };
  };

  /** Exported names of the generated modules and the local names the app entry should use. */
  names: {
    /** Export of the config file (`powExpress(...)`); same in every namespace. */
    auth: 'auth';
    /** Export of the config file (`createPow(...)`). */
    pow: 'pow';
    /** Export of the routes file. */
    routes: 'powRoutes';
    sessionController: 'sessionController';
    registrationController: 'registrationController';
    /** Local names the entry codemod binds: "auth"/"powRoutes", or "adminAuth"/"adminPowRoutes". */
    entryAuth: string;
    entryRoutes: string;
  };

  prisma: {
    /** False when inspect found no Prisma setup (defaults below are then assumed). */
    detected: boolean;
    provider: PrismaProvider;
    major: number;
    generatorProvider: 'prisma-client' | 'prisma-client-js';
    /** True when the app has no module exporting a PrismaClient: `<src>/pow/prisma.ts` is generated. */
    generateClient: boolean;
    /** Driver adapter for the generated client (Prisma ≥ 7), null for Prisma 6 or MongoDB. */
    adapter: PrismaAdapter | null;
  };
}

const RESERVED_FORM_FIELDS = new Set([
  'user_id',
  'password',
  'password_confirmation',
  'current_password',
  'remember_me',
  '_csrf',
  '_method',
]);

const SOURCE_EXTENSION = /\.(?:[cm]?[tj]s|tsx|jsx)$/;

function usage(message: string, fix: string): PowError {
  return new PowError({ code: 'POW_INVALID_TEMPLATE_OPTION', message, fix, exitCode: 2 });
}

/** `admin-users` / `admin_users` → `AdminUsers`. */
export function pascal(words: string): string {
  return words
    .split(/[-_]/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

function lowerFirst(name: string): string {
  return name[0]!.toLowerCase() + name.slice(1);
}

/** Normalises `-`/`--no-namespace` style input: "", "user" default → null. */
function checkNamespace(namespace: string | null | undefined): string | null {
  if (namespace === undefined || namespace === null || namespace === '') return null;
  if (!/^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/.test(namespace)) {
    throw usage(
      `Namespace "${namespace}" is not valid: use lowercase letters and digits, optionally joined by "-" or "_" (e.g. "admin").`,
      'Pass --namespace admin (or another lowercase name).',
    );
  }
  if (namespace === 'user' || namespace === 'pow') {
    throw usage(
      `Namespace "${namespace}" is reserved: "user" is the default user type and "pow" is pow's own folder name.`,
      'Leave out --namespace for the default users, or choose another name such as "admin".',
    );
  }
  return namespace;
}

function checkIdFields(fields: readonly string[]): string[] {
  if (fields.length === 0) {
    throw usage(
      'userIdFields is empty: people need at least one field to sign in with.',
      'Pass --user-id-field email.',
    );
  }
  const seen = new Set<string>();
  for (const field of fields) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) {
      throw usage(
        `User id field "${field}" is not a valid Prisma field name.`,
        'Use field names such as email or username.',
      );
    }
    if (RESERVED_FORM_FIELDS.has(field)) {
      throw usage(
        `User id field "${field}" clashes with a form field pow uses itself.`,
        'Use field names such as email or username.',
      );
    }
    if (seen.has(field)) throw usage(`User id field "${field}" is listed twice.`, 'List each field once.');
    seen.add(field);
  }
  return [...fields];
}

function checkExtensions(extensions: readonly ExtensionName[]): ExtensionName[] {
  const seen = new Set<string>();
  for (const name of extensions) {
    if (!EXTENSION_NAMES.includes(name)) {
      throw usage(`Unknown extension "${String(name)}".`, `Choose from: ${EXTENSION_NAMES.join(', ')}.`);
    }
    if (seen.has(name)) throw usage(`Extension "${name}" is listed twice.`, 'List each extension once.');
    seen.add(name);
  }
  return [...extensions];
}

function stripSourceExtension(path: string): string {
  return path.replace(SOURCE_EXTENSION, '');
}

/**
 * Relative import specifier from one project file to another, e.g.
 * ("src/pow/admin/config.ts", "src/db.ts", ".js") → "../../db.js".
 */
export function relativeSpecifier(fromFile: string, toFile: string, extension: '' | '.js'): string {
  let rel = posix.relative(posix.dirname(fromFile), stripSourceExtension(toFile));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel + extension;
}

/** Project-relative path of a file under `dir` ("." allowed), normalised. */
function under(dir: string, ...parts: string[]): string {
  return posix.normalize(posix.join(dir, ...parts.filter((part) => part !== '')));
}

function importClause(exportName: string, localName: string): string {
  if (exportName === 'default') return localName;
  return exportName === localName ? `{ ${localName} }` : `{ ${exportName} as ${localName} }`;
}

function adapterFor(provider: PrismaProvider, major: number): PrismaAdapter | null {
  // Prisma 7 has no built-in query engine: the client needs a driver adapter. Prisma 6 does not.
  if (major < 7) return null;
  switch (provider) {
    case 'sqlite':
      return {
        packageName: '@prisma/adapter-better-sqlite3',
        className: 'PrismaBetterSqlite3',
        provider: 'sqlite',
        construct: 'new PrismaBetterSqlite3({ url })',
        powImports: [],
        dependencies: ['@prisma/adapter-better-sqlite3', 'better-sqlite3'],
      };
    case 'postgresql':
    case 'cockroachdb':
      return {
        packageName: '@prisma/adapter-pg',
        className: 'PrismaPg',
        provider: 'postgres',
        construct: 'new PrismaPg(pgPoolOptions(url))',
        powImports: ['pgPoolOptions'],
        dependencies: ['@prisma/adapter-pg', 'pg'],
      };
    case 'mysql':
      return {
        packageName: '@prisma/adapter-mariadb',
        className: 'PrismaMariaDb',
        provider: 'mysql',
        construct: 'new PrismaMariaDb(mariadbPoolOptions(url))',
        powImports: ['mariadbPoolOptions'],
        dependencies: ['@prisma/adapter-mariadb', 'mariadb'],
      };
    case 'sqlserver':
      return {
        packageName: '@prisma/adapter-mssql',
        className: 'PrismaMssql',
        provider: 'sqlserver',
        construct: 'new PrismaMssql(url)',
        powImports: [],
        dependencies: ['@prisma/adapter-mssql', 'mssql'],
      };
    case 'mongodb':
      // Prisma 7 does not support MongoDB; such apps stay on Prisma 6 (no adapter).
      return null;
  }
}

/** Input type of a user id field: an e-mail or phone keyboard where the field name says so. */
function inputType(field: string): IdFieldInput['type'] {
  if (field === 'email') return 'email';
  return field === 'phone' ? 'tel' : 'text';
}

function idFieldInputs(fields: string[], model: PrismaModelInfo | null): IdFieldInput[] {
  const hasUsername = fields.includes('username');
  return fields.map((name, index) => {
    const existing = model?.fields.find((field) => field.name === name);
    const isEmail = name === 'email';
    // The field password managers save with the password: the username, else the first id field.
    let autocomplete: IdFieldInput['autocomplete'] = null;
    if (name === 'username' || (!hasUsername && index === 0)) autocomplete = 'username';
    else if (isEmail) autocomplete = 'email';
    else if (name === 'phone') autocomplete = 'tel';
    return {
      name,
      label: fieldLabelExpression(name),
      type: inputType(name),
      inputmode: isEmail ? 'email' : null,
      autocomplete,
      // Registration requires the first field even where the column is optional (pow adds it as
      // `String?` to an existing model, whose rows have none).
      required: index === 0 || (existing !== undefined && !existing.optional),
    };
  });
}

/** "back-office" → "Back office": the namespace as the layout's badge names it. */
function readableNamespace(namespace: string): string {
  const words = namespace.replace(/[-_]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Builds the context for one namespace of one project. Throws PowError (exit 2) on invalid options. */
/** See `TemplateContext.appName`. */
function mailAppName(project: Pick<ProjectInfo, 'packageName' | 'root'>): string {
  const raw =
    project.packageName?.replace(/^@[^/]+\//, '') || posix.basename(project.root.replace(/\\/g, '/'));
  // Written into a quoted string of the generated config: nothing that could end or escape it.
  return raw.replace(/[^\p{L}\p{N} ._-]/gu, '') || 'app';
}

export function buildTemplateContext(project: ProjectInfo, options: TemplateOptions = {}): TemplateContext {
  const namespace = checkNamespace(options.namespace);
  const userIdFields = checkIdFields(options.userIdFields ?? ['email']);
  const extensions = checkExtensions(options.extensions ?? []);
  if (extensions.includes('magic-link') && !userIdFields.includes('email')) {
    // The link goes to the account's e-mail, and the form asks for it.
    throw usage(
      'The magic-link extension mails sign-in links, but "email" is not one of the user id fields.',
      'Add --user-id-field email, or leave out --extension magic-link.',
    );
  }
  const registration = options.registration ?? true;
  const store = options.store ?? 'prisma';
  if (!['memory', 'prisma', 'redis'].includes(store)) {
    throw usage(`Unknown store "${String(store)}".`, 'Choose --store prisma, redis or memory.');
  }

  const userType = namespace === null ? 'user' : namespace.replace(/-/g, '_');
  const inspected = project.prisma?.userModel ?? null;
  // A namespace gets its own model unless told otherwise ("admin" → Admin); the default users get the
  // inspected model (User, or the one named by --user-model).
  const modelName =
    options.userModel ?? (namespace === null ? (inspected?.name ?? 'User') : pascal(userType));
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(modelName)) {
    throw usage(
      `Model name "${modelName}" is not a valid Prisma model name.`,
      'Pass --user-model User (a PascalCase name).',
    );
  }
  const model = inspected !== null && inspected.name === modelName ? inspected : null;
  const idType = model?.idType ?? 'Int';

  const ts = project.language === 'ts';
  const ext = ts ? '.ts' : '.js';
  const importExt = project.relativeImportExtension;
  const src = project.sourceDir || '.';
  const viewsDir = project.views.dir ?? 'views';
  const namespacePath = namespace ?? '';

  const paths = {
    config: under(src, 'pow', namespacePath, `config${ext}`),
    prismaClient: under(src, 'pow', `prisma${ext}`),
    sessionController: under(src, 'controllers', namespacePath, 'pow', `session${ext}`),
    registrationController: under(src, 'controllers', namespacePath, 'pow', `registration${ext}`),
    routes: under(src, 'routes', namespacePath, `pow${ext}`),
    viewsDir: under(viewsDir, namespacePath, 'pow'),
    stylesheet: under(viewsDir, namespacePath, 'pow', 'pow.css'),
  };

  const prismaInfo = project.prisma;
  const major = prismaInfo?.major ?? 7;
  const provider = prismaInfo?.provider ?? 'postgresql';
  const generatorProvider = prismaInfo?.generator.provider ?? 'prisma-client-js';

  // The app's own PrismaClient module, or the generated `<src>/pow/prisma.ts`.
  const appClient = project.prismaClientModule;
  const prismaImport: ModuleImport = appClient
    ? {
        specifier: relativeSpecifier(paths.config, appClient.path, importExt),
        exportName: appClient.exportName,
        clause: importClause(appClient.exportName, 'prisma'),
      }
    : {
        specifier: relativeSpecifier(paths.config, paths.prismaClient, importExt),
        exportName: 'prisma',
        clause: '{ prisma }',
      };

  // The generated client itself, as seen from `<src>/pow/prisma.ts`.
  const clientImport = prismaInfo?.clientImport ?? '@prisma/client';
  const clientSpecifier = clientImport.startsWith('.')
    ? relativeSpecifier(paths.prismaClient, under(src, clientImport), importExt)
    : clientImport;

  // Express apps conventionally listen on 3000 when nothing else is found.
  const devPort = project.server?.port ?? 3000;

  const signInType = userIdFields.length === 1 ? inputType(userIdFields[0]!) : 'text';

  return {
    namespace,
    namespacePath,
    userType,
    mountPath: namespace === null ? '' : `/${namespace}`,
    currentUserKey: `current${pascal(userType)}`,
    cookieName: `pow_${userType}`,
    env: {
      secret: 'POW_SECRET',
      baseUrl: 'POW_BASE_URL',
      redisUrl: 'REDIS_URL',
      twoFactorKey: 'POW_TWO_FACTOR_KEY',
      databaseUrl: prismaInfo?.urlEnvVar ?? 'DATABASE_URL',
    },
    model: {
      name: modelName,
      delegate: lowerFirst(modelName),
      idField: model?.idField ?? 'id',
      idType,
      tsIdType: idType === 'Int' ? 'number' : idType === 'BigInt' ? 'bigint' : 'string',
    },
    userIdFields,
    signIn: {
      label: userIdLabelExpression(userIdFields),
      type: signInType,
      inputmode: signInType === 'email' ? 'email' : null,
    },
    idFieldInputs: idFieldInputs(userIdFields, model),
    appColumns: (({ inputs, defaults }) => ({ inputs, defaults }))(
      appUserColumns(model, userIdFields, project.prisma?.models ?? []),
    ),
    credentialFields: credentialFieldsFor(
      model && !options.userModelIsPows ? model.fields.map((field) => field.name) : null,
      userIdFields,
      extensions,
    ),
    store,
    extensions,
    registration,
    has: {
      registration,
      emailConfirmation: extensions.includes('email-confirmation'),
      resetPassword: extensions.includes('reset-password'),
      persistentSession: extensions.includes('persistent-session'),
      invitation: extensions.includes('invitation'),
      sessions: extensions.includes('sessions'),
      passkeys: extensions.includes('passkeys'),
      magicLink: extensions.includes('magic-link'),
      securityLog: extensions.includes('security-log'),
      twoFactor: extensions.includes('two-factor'),
      oauth: extensions.includes('oauth'),
    },
    oauth: {
      providers: extensions.includes('oauth')
        ? templateProviders(options.oauthProviders ?? [], namespace)
        : [],
      identityModel: identityModelName(modelName),
    },
    project: {
      language: project.language,
      moduleSystem: project.moduleSystem,
      relativeImportExtension: importExt,
      sourceDir: src,
      viewsDir,
      expressMajor: project.framework.major,
    },
    landingPath:
      namespace !== null
        ? `/${namespace}`
        : project.server?.homePage === false && registration
          ? 'registration.edit'
          : null,
    namespaceLabel: namespace === null ? null : readableNamespace(namespace),
    appName: mailAppName(project),
    server: { port: devPort, devBaseUrl: `http://localhost:${devPort}` },
    views: { prefix: namespace === null ? 'pow' : `${namespace}/pow` },
    paths,
    imports: {
      config: { prisma: prismaImport },
      prismaClient: {
        client: { specifier: clientSpecifier, exportName: 'PrismaClient', clause: '{ PrismaClient }' },
      },
      sessionController: { config: relativeSpecifier(paths.sessionController, paths.config, importExt) },
      registrationController: {
        config: relativeSpecifier(paths.registrationController, paths.config, importExt),
      },
      routes: {
        config: relativeSpecifier(paths.routes, paths.config, importExt),
        sessionController: relativeSpecifier(paths.routes, paths.sessionController, importExt),
        registrationController: relativeSpecifier(paths.routes, paths.registrationController, importExt),
      },
    },
    names: {
      auth: 'auth',
      pow: 'pow',
      routes: 'powRoutes',
      sessionController: 'sessionController',
      registrationController: 'registrationController',
      entryAuth: namespace === null ? 'auth' : `${lowerFirst(pascal(userType))}Auth`,
      entryRoutes: namespace === null ? 'powRoutes' : `${lowerFirst(pascal(userType))}PowRoutes`,
    },
    prisma: {
      detected: prismaInfo !== null,
      provider,
      major,
      generatorProvider,
      generateClient: appClient === null,
      adapter: adapterFor(provider, major),
    },
  };
}
