/**
 * Default mail templates, used when the app has no `<views>/pow/mailer/<name>.{html,text}.ejs`
 * of its own. Plain TypeScript (tsc does not copy .ejs files into dist/, and the runtime does not
 * import a template engine). The generated EJS copies receive the same locals.
 *
 * Texts come from the i18n catalogue (`mail.<name>.*` keys) when the locals carry a `t`
 * function, else from the English fallbacks below (kept equal to `i18n/locales/en.ts`).
 */
import type { MailName } from './types.js';
import { appNameOf, mailLayout } from './layout.js';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Locals every mail template receives. `user` never carries a password hash. */
export interface MailLocals {
  /** The account the mail is about (public fields only). */
  user: Record<string, unknown>;
  /** The link to follow (token links, or a page such as sign-in for notices). */
  url?: string;
  /** The address the mail is sent to. */
  email?: string;
  /** email_changed: the address the account is being changed to. */
  newEmail?: string;
  /** magic_link: how many minutes the link works. */
  minutes?: number;
  /** invitation: the inviter (public fields) and the inviter's identifier as shown to people. */
  invitedBy?: Record<string, unknown> | null;
  invitedByUserId?: string;
  /** new_device: when (formatted, with its time zone) and from which browser the sign-in came. */
  time?: string;
  device?: string;
  /** Translator for the recipient's locale (keys `mail.*`); English when absent. */
  t?: Translate;
  /** The app's name, in the subject and at the top of every mail (`mail.appName`; default: the base URL's host). */
  appName?: string;
  /** The recipient's language, the `lang` of the HTML part ("en" when absent). */
  lang?: string;
  /** How long the mailed link works, in words ("1 hour", "48 Stunden"); absent for plain links. */
  linkLifetime?: string;
  /** Where people write for help (`mail.supportEmail`); the footer names it only when set. */
  supportEmail?: string;
  /** The subject line (the HTML part's `<title>`). */
  subject?: string;
  [key: string]: unknown;
}

/** English fallbacks, keyed like the i18n catalogue (`{{app}}` is the app name). */
export const MAIL_TEXTS: Record<string, string> = {
  'mail.link_fallback': 'If the button does not work, copy this link into your browser:',
  'mail.link_lifetime': 'This link expires in {{lifetime}}.',
  'mail.footer': 'This email was sent by {{app}} to {{email}}.',
  'mail.support': 'Questions? Write to',
  'mail.reset_password.subject': 'Reset your {{app}} password',
  'mail.reset_password.heading': 'Reset your password',
  'mail.reset_password.body':
    'Someone asked to reset the password of your {{app}} account. Choose a new password with the button below.',
  'mail.reset_password.action': 'Choose a new password',
  'mail.reset_password.ignore':
    'If you did not ask for this, ignore this email: your password stays as it is.',
  'mail.password_changed.subject': 'Your {{app}} password was changed',
  'mail.password_changed.heading': 'Your password was changed',
  'mail.password_changed.body':
    'The password of your {{app}} account was just changed. If you did not do this, reset your password now.',
  'mail.password_changed.action': 'Reset your password',
  'mail.email_confirmation.subject': 'Confirm your email for {{app}}',
  'mail.email_confirmation.heading': 'Confirm your email',
  'mail.email_confirmation.body': 'Confirm that this email address belongs to your {{app}} account.',
  'mail.email_confirmation.action': 'Confirm your email',
  'mail.email_changed.subject': 'Your {{app}} email address is being changed',
  'mail.email_changed.heading': 'Your email address is being changed',
  'mail.email_changed.body':
    'Someone asked to change the email address of your {{app}} account to {{email}}. If you did not do this, reset your password now.',
  'mail.email_changed.action': 'Reset your password',
  'mail.registration_attempt.subject': 'Sign-up attempt at {{app}} with your email address',
  'mail.registration_attempt.heading': 'Someone tried to sign up with your email',
  'mail.registration_attempt.body':
    'Someone tried to create an account at {{app}} with this email address, which already has one. If it was you, sign in, or reset your password from the sign-in page.',
  'mail.registration_attempt.action': 'Sign in',
  'mail.registration_attempt.ignore': 'Otherwise you can ignore this email.',
  'mail.invitation.subject': "You've been invited to {{app}}",
  'mail.invitation.heading': "You've been invited to {{app}}",
  'mail.invitation.body':
    '{{invited_by}} invited you to {{app}}. Accept the invitation to choose your password.',
  'mail.invitation.action': 'Accept the invitation',
  'mail.new_device.subject': 'New sign-in to your {{app}} account',
  'mail.new_device.heading': 'New sign-in to your account',
  'mail.new_device.body':
    'Your {{app}} account was just signed in to from a browser it has not been used with before.',
  'mail.new_device.when': 'When: {{time}}',
  'mail.new_device.device': 'Browser: {{device}}',
  'mail.new_device.action': 'Review where you are signed in',
  'mail.new_device.ignore':
    'If this was you, there is nothing to do. If not, sign that browser out and change your password.',
  'mail.magic_link.subject': 'Your sign-in link for {{app}}',
  'mail.magic_link.heading': 'Sign in to {{app}}',
  'mail.magic_link.body': 'Use the button below to sign in to your {{app}} account. The link works once.',
  'mail.magic_link.action': 'Sign in',
  'mail.magic_link.ignore':
    "If you didn't ask to sign in, ignore this email: nobody can sign in without the link.",
};

/** English subjects per mail, with the `{{app}}` placeholder the app name fills. */
export const DEFAULT_SUBJECTS: Record<MailName, string> = {
  reset_password: MAIL_TEXTS['mail.reset_password.subject'],
  password_changed: MAIL_TEXTS['mail.password_changed.subject'],
  email_confirmation: MAIL_TEXTS['mail.email_confirmation.subject'],
  email_changed: MAIL_TEXTS['mail.email_changed.subject'],
  registration_attempt: MAIL_TEXTS['mail.registration_attempt.subject'],
  invitation: MAIL_TEXTS['mail.invitation.subject'],
  new_device: MAIL_TEXTS['mail.new_device.subject'],
  magic_link: MAIL_TEXTS['mail.magic_link.subject'],
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function interpolate(text: string, params: Record<string, string | number> = {}): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Text for `key` in the locals' language, falling back to English (also when `t` misses the key). */
export function mailText(
  locals: Pick<MailLocals, 't'>,
  key: string,
  params?: Record<string, string | number>,
): string {
  if (typeof locals.t === 'function') {
    const value = locals.t(key, params);
    if (typeof value === 'string' && value !== '' && value !== key) return value;
  }
  return interpolate(MAIL_TEXTS[key] ?? key, params);
}

type DefaultTemplate = (locals: MailLocals) => { html: string; text: string };

/** A mail that says `mail.<name>.heading`, `.body` (and `.ignore`) with a `mail.<name>.action` button. */
function standard(
  name: MailName,
  extra: (l: MailLocals) => Record<string, string> = () => ({}),
): DefaultTemplate {
  return (l) => {
    const params = { app: appNameOf(l), ...extra(l) };
    const outro =
      MAIL_TEXTS[`mail.${name}.ignore`] !== undefined ? [mailText(l, `mail.${name}.ignore`, params)] : [];
    return mailLayout(l, {
      heading: mailText(l, `mail.${name}.heading`, params),
      intro: [mailText(l, `mail.${name}.body`, params)],
      action: { label: mailText(l, `mail.${name}.action`, params), url: l.url },
      outro,
    });
  };
}

export const DEFAULT_TEMPLATES: Record<MailName, DefaultTemplate> = {
  reset_password: standard('reset_password'),
  password_changed: standard('password_changed'),
  email_confirmation: standard('email_confirmation'),
  email_changed: standard('email_changed', (l) => ({ email: String(l.newEmail ?? '') })),
  registration_attempt: standard('registration_attempt'),
  invitation: standard('invitation', (l) => ({ invited_by: String(l.invitedByUserId ?? '') })),
  // The browser and the time go in as paragraphs of their own, under the body.
  new_device: (l) => {
    const params = { app: appNameOf(l) };
    return mailLayout(l, {
      heading: mailText(l, 'mail.new_device.heading', params),
      intro: [
        mailText(l, 'mail.new_device.body', params),
        mailText(l, 'mail.new_device.when', { time: String(l.time ?? '') }),
        mailText(l, 'mail.new_device.device', { device: String(l.device ?? '') }),
      ],
      action: { label: mailText(l, 'mail.new_device.action', params), url: l.url },
      outro: [mailText(l, 'mail.new_device.ignore', params)],
    });
  },
  magic_link: standard('magic_link'),
};
