/**
 * The providers of the oauth extension as the CLI knows them: `--provider github`,
 * `--provider google`, `--provider oidc:<name>` (any OpenID Connect provider by its issuer).
 * They are stored with the other answers (manifest options), accumulate over runs like the
 * extensions, and become the config's provider list, the buttons' order and the `.env.example`
 * keys. The runtime's provider factories (src/runtime/oauth/providers.ts) do the rest.
 */
import { PowError } from '../shared/pow-error.js';

/** A provider as given on the command line and stored: "github", "google" or "oidc:acme". */
export type ProviderSpec = string;

/** What the templates need to know about one provider. */
export interface TemplateProvider {
  /** As stored: "github", "google", "oidc:company". */
  spec: ProviderSpec;
  /** Name in paths and the identities table: "github", "company". */
  name: string;
  kind: 'github' | 'google' | 'oidc';
  /** Button label of an `oidc:` provider ("company" → "Company"); the runtime's for the others. */
  label: string;
  /** Environment variables the config reads. */
  env: { clientId: string; clientSecret: string; issuer: string | null };
}

/** The runtime's rule for provider names (path segments and table values). */
const NAME = /^[a-z][a-z0-9-]{0,39}$/;

function usage(message: string, fix: string): PowError {
  return new PowError({ code: 'POW_INVALID_OPTION', message, fix, exitCode: 2 });
}

/** Checks one `--provider` value; returns it normalised. */
export function checkProviderSpec(value: string): ProviderSpec {
  const spec = value.trim();
  if (spec === 'github' || spec === 'google') return spec;
  const oidc = /^oidc:(.*)$/.exec(spec);
  if (oidc) {
    const name = oidc[1]!;
    if (NAME.test(name) && name !== 'github' && name !== 'google') return `oidc:${name}`;
    throw usage(
      `--provider ${JSON.stringify(value)}: "${name}" is not a provider name pow can use (lower-case letters, digits and dashes, starting with a letter; not github or google).`,
      'Pass e.g. --provider oidc:company.',
    );
  }
  throw usage(
    `--provider ${JSON.stringify(value)} is not a provider pow knows.`,
    'Choose --provider github, --provider google, or --provider oidc:<name> for any OpenID Connect provider (e.g. oidc:company).',
  );
}

/** Checks a list of `--provider` values (each once). */
export function checkProviderSpecs(values: readonly string[]): ProviderSpec[] {
  const out: ProviderSpec[] = [];
  for (const value of values) {
    const spec = checkProviderSpec(value);
    if (out.includes(spec)) throw usage(`--provider ${spec} is given twice.`, 'List each provider once.');
    out.push(spec);
  }
  return out;
}

/**
 * The providers of a run: the earlier runs' list plus the ones given now, so re-running with
 * another `--provider` keeps the first (as extensions accumulate).
 */
export function mergeProviders(
  previous: readonly ProviderSpec[] | undefined,
  given: readonly ProviderSpec[] | undefined,
): ProviderSpec[] {
  const out = [...(previous ?? [])];
  for (const spec of given ?? []) if (!out.includes(spec)) out.push(spec);
  return out;
}

/** The provider name of a spec: "oidc:company" → "company". */
export function providerName(spec: ProviderSpec): string {
  return spec.startsWith('oidc:') ? spec.slice('oidc:'.length) : spec;
}

/** "back-office" → "Back office". */
function readable(name: string): string {
  const words = name.replace(/-+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * What the templates use. The variables of a namespace's providers carry its name
 * (ADMIN_COMPANY_CLIENT_ID): another user type has its own callback URLs, so usually its own
 * client at the provider.
 */
export function templateProviders(
  specs: readonly ProviderSpec[],
  namespace: string | null,
): TemplateProvider[] {
  const prefix = namespace === null ? '' : `${namespace.replace(/-/g, '_').toUpperCase()}_`;
  return specs.map((spec) => {
    const name = providerName(spec);
    const kind = spec === 'github' || spec === 'google' ? spec : 'oidc';
    const stem = `${prefix}${name.replace(/-/g, '_').toUpperCase()}`;
    return {
      spec,
      name,
      kind,
      label: kind === 'github' ? 'GitHub' : kind === 'google' ? 'Google' : readable(name),
      env: {
        clientId: `${stem}_CLIENT_ID`,
        clientSecret: `${stem}_CLIENT_SECRET`,
        issuer: kind === 'oidc' ? `${stem}_ISSUER` : null,
      },
    };
  });
}

/** Where to register the app for each kind, for the `.env.example` comment. */
const REGISTER_AT: Record<TemplateProvider['kind'], string> = {
  github: 'GitHub: Settings → Developer settings → OAuth Apps',
  google: 'Google Cloud console: APIs & Services → Credentials (OAuth client ID, web application)',
  oidc: "your OpenID Connect provider's admin console",
};

/** The `.env.example` keys of one provider, with comments naming the callback URL to register. */
export function providerEnvKeys(
  provider: TemplateProvider,
  callbackPath: string,
): Array<{ key: string; value: string; comment?: string[] }> {
  const keys: Array<{ key: string; value: string; comment?: string[] }> = [];
  if (provider.env.issuer !== null) {
    keys.push({
      key: provider.env.issuer,
      value: '',
      comment: [
        `Sign-in with ${provider.label} (OpenID Connect): the issuer URL, e.g. https://login.example.com (discovery at <issuer>/.well-known/openid-configuration).`,
      ],
    });
  }
  keys.push({
    key: provider.env.clientId,
    value: '',
    comment: [
      `Sign-in with ${provider.label}: register the app at ${REGISTER_AT[provider.kind]},`,
      `with the callback URL <POW_BASE_URL>${callbackPath}.`,
    ],
  });
  keys.push({ key: provider.env.clientSecret, value: '' });
  return keys;
}

/**
 * The oauth extension needs at least one provider, and a provider needs the extension. `command`
 * is the command that adds them, for the fix line.
 */
export function checkOAuthChoice(
  extensions: readonly string[],
  providers: readonly ProviderSpec[],
  command: string,
): void {
  const enabled = extensions.includes('oauth');
  if (enabled && providers.length === 0) {
    throw usage(
      '--extension oauth needs at least one --provider (the buttons and the config list them).',
      `Run e.g. \`${command} --extension oauth --provider github --provider oidc:company\`.`,
    );
  }
  if (!enabled && providers.length > 0) {
    throw usage(
      '--provider is a setting of the oauth extension, which is not enabled.',
      `Add --extension oauth: \`${command} --extension oauth ${providers.map((p) => `--provider ${p}`).join(' ')}\`.`,
    );
  }
}
