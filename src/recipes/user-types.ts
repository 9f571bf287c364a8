/**
 * The user types pow set up in a project, read from its manifest: the default users of `pow install`
 * and each `gen.templates --namespace` one. `pow install` and `pow gen.templates` say from this which
 * types accept public sign-up; `pow user` finds the configuration module of the type it is asked for.
 */
import type { JsonValue, Manifest } from '../generate/manifest.js';
import { DEFAULT_INSTALL_OPTIONS, INSTALL_GENERATOR, previousInstallOptions } from './install.js';

/** The template every user type's configuration module (`createPow` + `powExpress`) comes from. */
export const CONFIG_TEMPLATE = 'install/pow/__namespace__/config.ts.ejs';

const GEN_TEMPLATES_PREFIX = 'gen.templates:';

export interface UserTypeInfo {
  /** null for the default users, else the namespace ("admin"). */
  namespace: string | null;
  /** `createPow({ userType })`: "user", "admin". */
  userType: string;
  userModel: string;
  userIdFields: string[];
  /** True when anyone may create an account of this type through its sign-up page. */
  registration: boolean;
  /** Where its pages are mounted: "/" or "/admin". */
  mountPath: string;
  /** The project-relative path of its configuration module, or null when the manifest lists none. */
  configPath: string | null;
}

function record(value: JsonValue | undefined): Record<string, JsonValue> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

function strings(value: JsonValue | undefined): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
}

function configPathOf(manifest: Manifest, scope: string): string | null {
  for (const [path, file] of Object.entries(manifest.files)) {
    if (file.generator === scope && file.template === CONFIG_TEMPLATE) return path;
  }
  return null;
}

/**
 * Every user type of the project, the default users first; `[]` before `pow install`. `overrides`
 * are the answers of the run in progress (not yet in the manifest when it is a dry run).
 */
export function listUserTypes(
  manifest: Manifest | null,
  overrides: { namespace: string | null; userModel: string; registration: boolean }[] = [],
): UserTypeInfo[] {
  const out: UserTypeInfo[] = [];
  const install = manifest === null ? null : previousInstallOptions(manifest);
  if (manifest !== null && install !== null) {
    out.push({
      namespace: null,
      userType: 'user',
      userModel: install.userModel ?? DEFAULT_INSTALL_OPTIONS.userModel,
      userIdFields: install.userIdFields ?? DEFAULT_INSTALL_OPTIONS.userIdFields,
      registration: install.registration ?? DEFAULT_INSTALL_OPTIONS.registration,
      mountPath: '/',
      configPath: configPathOf(manifest, INSTALL_GENERATOR),
    });
  }
  for (const [scope, value] of manifest === null ? [] : Object.entries(manifest.options)) {
    if (manifest === null || !scope.startsWith(GEN_TEMPLATES_PREFIX)) continue;
    const namespace = scope.slice(GEN_TEMPLATES_PREFIX.length);
    const stored = record(value);
    if (namespace === '' || stored === null) continue;
    out.push({
      namespace,
      userType: namespace.replace(/-/g, '_'),
      userModel: typeof stored.userModel === 'string' ? stored.userModel : namespace,
      userIdFields: strings(stored.userIdFields) ?? out[0]?.userIdFields ?? ['email'],
      registration: stored.registration === true,
      mountPath: `/${namespace}`,
      configPath: configPathOf(manifest, scope),
    });
  }
  for (const given of overrides) {
    const found = out.find((type) => type.namespace === given.namespace);
    if (found) Object.assign(found, { userModel: given.userModel, registration: given.registration });
    else
      out[given.namespace === null ? 'unshift' : 'push']({
        namespace: given.namespace,
        userType: given.namespace === null ? 'user' : given.namespace.replace(/-/g, '_'),
        userModel: given.userModel,
        userIdFields: out[0]?.userIdFields ?? ['email'],
        registration: given.registration,
        mountPath: given.namespace === null ? '/' : `/${given.namespace}`,
        configPath: null,
      });
  }
  return out;
}

/** "users (User)", "admin (Admin)". */
export function userTypeLabel(type: Pick<UserTypeInfo, 'namespace' | 'userModel'>): string {
  return `${type.namespace ?? 'users'} (${type.userModel})`;
}

/** The `pow user create` flags that pick this type: "" for the default users. */
export function userTypeFlag(type: Pick<UserTypeInfo, 'namespace'>): string {
  return type.namespace === null ? '' : ` --namespace ${type.namespace}`;
}

/**
 * The "Who can sign up" lines of `pow install` and `pow gen.templates`: one per user type, so a
 * team sees at a glance which types anyone on the internet can create an account in.
 */
export function signUpLines(types: readonly UserTypeInfo[], exec: string): string[] {
  if (types.length === 0) return [];
  const lines = ['Who can sign up:'];
  for (const type of types) {
    const at = type.mountPath === '/' ? '' : type.mountPath;
    lines.push(
      type.registration
        ? `  ${userTypeLabel(type)}: anyone, at ${at}/registration/new`
        : `  ${userTypeLabel(type)}: nobody (registration is off); create accounts with \`${exec} pow user create${userTypeFlag(type)}\``,
    );
  }
  return lines;
}
