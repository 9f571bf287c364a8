/**
 * The extension part of `pow install` (`--extension <name>`, repeatable; the names are
 * EXTENSION_NAMES in src/runtime/core/extension-names.ts).
 *
 * What an extension adds, and where it comes from:
 * - schema fields (email-confirmation: `emailConfirmedAt`, `unconfirmedEmail`; invitation:
 *   `invitedById` + relation, `invitationAcceptedAt`): ensureAuthSchema, from the options; the
 *   install's migration is the diff, so a later run that only adds an extension writes one new
 *   migration with just those columns. reset-password, persistent-session and sessions need
 *   none (a notice says so);
 * - controllers, views and mail templates: templates whose path names the extension
 *   (install-templates.ts), plus the mail templates of `EXTENSION_MAILS`;
 * - routes, config and the session/registration controllers: `it.has.*` conditionals in the
 *   install's own templates. Those files belong to the team after the install; a later run
 *   three-way merges the extension's lines into their copy (src/generate/merge3.ts);
 * - `.env.example`: SMTP_URL and MAIL_FROM when an extension sends mail.
 *
 * Extensions accumulate: `pow install --extension invitation` on a project installed with
 * `--extension reset-password` keeps reset-password (mergeExtensions). Removing one is a
 * hand edit (config, routes) that pow does not undo on later runs.
 */
import type { GenerateContext } from '../generate/index.js';
import type { ExtensionName } from '../runtime/core/types.js';
import { MAILING_EXTENSIONS } from '../runtime/core/extension-names.js';
import { ensureEnvKeys, type EnvKey } from './project-files.js';
import { providerEnvKeys } from './oauth-providers.js';
import type { TemplateContext } from './template-context.js';

export { MAILING_EXTENSIONS };

/** The mails each extension sends (`<views>/pow/mailer/<name>.{html,text}.ejs`). */
export const EXTENSION_MAILS: Readonly<Record<string, ExtensionName>> = Object.freeze({
  reset_password: 'reset-password',
  password_changed: 'reset-password',
  email_confirmation: 'email-confirmation',
  email_changed: 'email-confirmation',
  registration_attempt: 'email-confirmation',
  invitation: 'invitation',
});

/** Template path segments (file stem or folder) that belong to an extension without naming it. */
export const EXTENSION_SEGMENTS: Readonly<Record<string, ExtensionName>> = Object.freeze({
  // controllers/pow/confirmation.ts, views/pow/confirmation/new.ejs (the `confirmation.*` pages).
  confirmation: 'email-confirmation',
  // controllers/pow/identities.ts: the connected accounts of the account page.
  identities: 'oauth',
});

/**
 * The extension a template belongs to when its path does not name it: a mail of
 * `EXTENSION_MAILS` ("views/…/mailer/email_changed.html.ejs.ejs" → email-confirmation) or a
 * segment of `EXTENSION_SEGMENTS`; else null.
 */
export function mailTemplateExtension(id: string): ExtensionName | null {
  const segments = id.split('/');
  const stem = (segment: string) =>
    segment.slice(0, segment.indexOf('.') === -1 ? segment.length : segment.indexOf('.'));
  const at = segments.lastIndexOf('mailer');
  if (at !== -1 && at === segments.length - 2) return EXTENSION_MAILS[stem(segments[at + 1]!)] ?? null;
  for (const segment of segments) {
    const owner = EXTENSION_SEGMENTS[stem(segment)];
    if (owner) return owner;
  }
  return null;
}

/**
 * The extensions of a run: the earlier runs' list, plus the ones given now (in the order given),
 * so adding one never drops another. Unknown names are left for buildTemplateContext to refuse.
 */
export function mergeExtensions(
  previous: readonly ExtensionName[] | undefined,
  given: readonly ExtensionName[] | undefined,
): ExtensionName[] {
  const out = [...(previous ?? [])];
  for (const name of given ?? []) if (!out.includes(name)) out.push(name);
  return out;
}

/** True when an extension of `it` sends mail (the app then needs SMTP_URL and nodemailer). */
export function sendsMail(it: TemplateContext): boolean {
  return it.extensions.some((name) => MAILING_EXTENSIONS.includes(name));
}

/**
 * The extension steps of the install recipe, after the templates: `.env.example` keys and notes
 * about extensions that need no schema change.
 */
export function addExtensionFiles(ctx: GenerateContext, it: TemplateContext): void {
  for (const name of it.extensions) {
    if (name === 'reset-password' || name === 'persistent-session') {
      ctx.note(`extension ${name}: no schema change (its tokens live in the ${it.store} store, hashed)`);
    }
    if (name === 'sessions') {
      ctx.note(`extension sessions: no schema change (it lists what the ${it.store} store already keeps)`);
    }
    if (name === 'oauth') {
      ctx.note(
        `extension oauth: providers ${it.oauth.providers.map((p) => p.spec).join(', ')}; linked provider accounts live in ${it.oauth.identityModel} (no column on ${it.model.name})`,
      );
    }
  }
  // The oauth extension: each provider's client (and issuer) variables, as placeholders.
  for (const provider of it.oauth.providers) {
    for (const key of providerEnvKeys(provider, `${it.mountPath}/auth/${provider.name}/callback`))
      ctx.patch('.env.example', `.env.example:${key.key}`, ensureEnvKeys([key]));
  }
  if (!sendsMail(it)) return;
  const keys: EnvKey[] = [
    {
      key: 'SMTP_URL',
      value: '',
      comment: [
        "SMTP server for the e-mails of pow's extensions, e.g. smtp://user:password@smtp.example.com:587.",
        'Unset in development: the e-mails are printed to the console.',
      ],
    },
    { key: 'MAIL_FROM', value: 'no-reply@localhost', comment: ['Sender of those e-mails.'] },
  ];
  for (const key of keys) ctx.patch('.env.example', `.env.example:${key.key}`, ensureEnvKeys([key]));
}

/** The oauth extension's step: register the app with each provider and set its variables. */
export function oauthNextSteps(it: TemplateContext): string[] {
  if (it.oauth.providers.length === 0) return [];
  const vars = it.oauth.providers.flatMap((p) =>
    [p.env.issuer, p.env.clientId, p.env.clientSecret].filter((v): v is string => v !== null),
  );
  return [
    `Register the app with each sign-in provider (callback URL <${it.env.baseUrl}>${it.mountPath}/auth/<provider>/callback) and set ${vars.join(', ')} (see .env.example)`,
  ];
}

/** Extra "next steps" lines of the extensions. */
export function extensionNextSteps(it: TemplateContext): string[] {
  const steps = oauthNextSteps(it);
  if (!sendsMail(it)) return steps;
  return [
    ...steps,
    `Set SMTP_URL (and MAIL_FROM) for the e-mails of ${it.extensions
      .filter((name) => MAILING_EXTENSIONS.includes(name))
      .join(
        ', ',
      )}; without it, development prints them to the console. Set ${it.env.baseUrl} to the app's public origin: mailed links use it`,
  ];
}
