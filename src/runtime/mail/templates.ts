/**
 * Default mail templates, used when the app has no `<views>/pow/mailer/<name>.{html,text}.ejs`
 * of its own. Plain TypeScript (tsc does not copy .ejs files into dist/, and the runtime does not
 * import a template engine). The generated EJS copies receive the same locals.
 *
 * Texts come from the i18n catalogue (`mail.<name>.*` keys) when the locals carry a `t`
 * function, else from the English fallbacks below (kept equal to `i18n/locales/en.ts`).
 */
import type { MailName } from './types.js';

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
  [key: string]: unknown;
}

/** English fallbacks, keyed like the i18n catalogue. */
export const MAIL_TEXTS: Record<string, string> = {
  'mail.greeting': 'Hi,',
  'mail.reset_password.subject': 'Reset password link',
  'mail.reset_password.body': 'Please use the following link to reset your password:',
  'mail.reset_password.ignore': "You can disregard this email if you didn't request a password reset.",
  'mail.password_changed.subject': 'Your password has been changed',
  'mail.password_changed.body':
    'The password of your account was changed. If you did not do this, reset your password now and contact us.',
  'mail.email_confirmation.subject': 'Confirm your email address',
  'mail.email_confirmation.body': 'Please use the following link to confirm your e-mail address:',
  'mail.email_changed.subject': 'Your email address is being changed',
  'mail.email_changed.body':
    'A change of your account email to {{email}} was requested. If you did not do this, change your password now and contact us.',
  'mail.registration_attempt.subject': 'Sign-up attempt with your email address',
  'mail.registration_attempt.body':
    'Someone tried to create an account with this email address, which already has one. If it was you, sign in or reset your password here:',
  'mail.registration_attempt.ignore': 'Otherwise you can ignore this email.',
  'mail.magic_link.subject': 'Your sign-in link',
  'mail.magic_link.body': 'Use the following link to sign in. It works once, within {{minutes}} minutes:',
  'mail.magic_link.ignore':
    "You can disregard this email if you didn't ask to sign in: nobody can sign in without the link.",
  'mail.invitation.subject': "You've been invited",
  'mail.invitation.body':
    "You've been invited by {{invited_by}}. Please use the following link to accept your invitation:",
  'mail.new_device.subject': 'New sign-in to your account',
  'mail.new_device.body':
    'Your account was just signed in to from a browser it has not been used with before.',
  'mail.new_device.when': 'When: {{time}}',
  'mail.new_device.device': 'Browser: {{device}}',
  'mail.new_device.check':
    'If this was you, there is nothing to do. If not, sign that browser out and change your password here:',
};

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

interface Paragraphs {
  before: string[];
  link?: string;
  after?: string[];
}

function bodies(locals: MailLocals, p: Paragraphs): { html: string; text: string } {
  const greeting = mailText(locals, 'mail.greeting');
  const text = [greeting, ...p.before, ...(p.link ? [p.link] : []), ...(p.after ?? [])].join('\n\n') + '\n';
  const html =
    [
      `<h3>${escapeHtml(greeting)}</h3>`,
      ...p.before.map((s) => `<p>${escapeHtml(s)}</p>`),
      ...(p.link ? [`<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a></p>`] : []),
      ...(p.after ?? []).map((s) => `<p>${escapeHtml(s)}</p>`),
    ].join('\n') + '\n';
  return { html, text };
}

type DefaultTemplate = (locals: MailLocals) => { html: string; text: string };

export const DEFAULT_TEMPLATES: Record<MailName, DefaultTemplate> = {
  reset_password: (l) =>
    bodies(l, {
      before: [mailText(l, 'mail.reset_password.body')],
      link: l.url,
      after: [mailText(l, 'mail.reset_password.ignore')],
    }),
  password_changed: (l) => bodies(l, { before: [mailText(l, 'mail.password_changed.body')], link: l.url }),
  email_confirmation: (l) =>
    bodies(l, { before: [mailText(l, 'mail.email_confirmation.body')], link: l.url }),
  email_changed: (l) =>
    bodies(l, {
      before: [mailText(l, 'mail.email_changed.body', { email: String(l.newEmail ?? '') })],
      link: l.url,
    }),
  registration_attempt: (l) =>
    bodies(l, {
      before: [mailText(l, 'mail.registration_attempt.body')],
      link: l.url,
      after: [mailText(l, 'mail.registration_attempt.ignore')],
    }),
  invitation: (l) =>
    bodies(l, {
      before: [mailText(l, 'mail.invitation.body', { invited_by: String(l.invitedByUserId ?? '') })],
      link: l.url,
    }),
  new_device: (l) =>
    bodies(l, {
      before: [
        mailText(l, 'mail.new_device.body'),
        mailText(l, 'mail.new_device.when', { time: String(l.time ?? '') }),
        mailText(l, 'mail.new_device.device', { device: String(l.device ?? '') }),
        mailText(l, 'mail.new_device.check'),
      ],
      link: l.url,
    }),
  magic_link: (l) =>
    bodies(l, {
      before: [mailText(l, 'mail.magic_link.body', { minutes: Number(l.minutes ?? 15) })],
      link: l.url,
      after: [mailText(l, 'mail.magic_link.ignore')],
    }),
};
