/**
 * The names of pow's extensions: the one list the runtime (createPow's check), the Express layer
 * and the CLI (flags, prompts, templates) all read. Add an extension here and nowhere else.
 */
export const EXTENSION_NAMES = [
  'email-confirmation',
  'reset-password',
  'persistent-session',
  'invitation',
  'sessions',
  'oauth',
] as const;

export type ExtensionName = (typeof EXTENSION_NAMES)[number];

/** Extensions that send e-mail: they need a mailer (SMTP_URL), a base URL and mail templates. */
export const MAILING_EXTENSIONS: readonly ExtensionName[] = [
  'email-confirmation',
  'reset-password',
  'invitation',
];

export function isExtensionName(value: unknown): value is ExtensionName {
  return typeof value === 'string' && (EXTENSION_NAMES as readonly string[]).includes(value);
}
