/**
 * The one layout of pow's mails: every mail is a `MailContent` (a heading, paragraphs, at most one
 * button) put into the same frame, as HTML and as its plain-text twin.
 *
 * Why it looks like this: mail clients ignore or strip `<style>` blocks and most of CSS (Gmail's
 * app, Outlook's Word engine), so every style is inline and the frame is a table
 * (`role="presentation"`, so screen readers skip it). The button is a link with words, and the
 * link itself follows in small text that wraps anywhere (a token URL is one long word that would
 * run off a 390 px screen). Colours are pow.css's light ones and meet WCAG AA contrast.
 *
 * The generated app owns a copy of this layout (`<views>/pow/mailer/layout.html.ejs` and
 * `layout.text.ejs`, used by every generated mail through `include`); this function renders the
 * same mails when the app has no template of its own. test/unit/mail-layout.test.ts checks the
 * two agree.
 *
 * A new mail uses it like this (the default template of a mail in templates.ts):
 *
 *   (l) => mailLayout(l, {
 *     heading: mailText(l, 'mail.magic_link.heading', { app: appNameOf(l) }),
 *     intro: [mailText(l, 'mail.magic_link.body', { app: appNameOf(l) })],
 *     action: { label: mailText(l, 'mail.magic_link.action'), url: l.url },
 *   })
 *
 * and its generated templates include `layout.html.ejs` / `layout.text.ejs` with the same content.
 */
import { escapeHtml, mailText, type MailLocals } from './templates.js';

/** What one mail says; the layout adds the app name, the link lifetime, the footer and `lang`. */
export interface MailContent {
  /** The mail's heading, e.g. "Reset your password". */
  heading: string;
  /** Paragraphs before the button. */
  intro: string[];
  /** The one thing to do: a button with words, and the same link as a fallback in small text. */
  action?: { label: string; url: string | undefined };
  /** Paragraphs after the button, e.g. "If you did not ask for this, ignore this email." */
  outro?: string[];
}

/**
 * The app name shown in the subject and body: `locals.appName` (the mail config's `appName`),
 * else the host of the mailed link, which is the app's base URL (pow's mails always pass it).
 */
export function appNameOf(locals: Pick<MailLocals, 'appName' | 'url'>): string {
  if (typeof locals.appName === 'string' && locals.appName !== '') return locals.appName;
  try {
    return typeof locals.url === 'string' ? new URL(locals.url).host : '';
  } catch {
    return '';
  }
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** Inline styles, named once so the HTML below stays readable (the EJS copy spells them out). */
export const MAIL_STYLES = {
  body: 'margin:0;padding:0;background-color:#f3f4f6;',
  outer: 'width:100%;background-color:#f3f4f6;',
  outerCell: 'padding:24px 12px;',
  card: 'width:100%;max-width:560px;background-color:#ffffff;border:1px solid #d1d5db;border-radius:8px;',
  cardCell: `padding:32px 24px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1f2933;`,
  appName: 'margin:0 0 24px;font-size:14px;font-weight:600;color:#4b5563;',
  heading: 'margin:0 0 16px;font-size:22px;line-height:1.3;font-weight:700;color:#1f2933;',
  paragraph: 'margin:0 0 16px;',
  buttonTable: 'margin:24px 0;',
  buttonCell: 'border-radius:6px;background-color:#1d4ed8;',
  button:
    'display:inline-block;padding:12px 20px;font-size:16px;font-weight:600;line-height:1.25;color:#ffffff;text-decoration:none;border-radius:6px;',
  small: 'margin:0 0 16px;font-size:14px;color:#4b5563;',
  fallbackLink: 'color:#1d4ed8;word-break:break-all;overflow-wrap:anywhere;',
  footer: `margin:16px auto 0;max-width:560px;text-align:left;font-family:${FONT};font-size:13px;line-height:1.5;color:#4b5563;`,
  footerLink: 'color:#1d4ed8;',
} as const;

/** Lines of the footer: who sent the mail to whom, and where to get help (only when configured). */
function footerParts(locals: MailLocals): { sentBy: string; support: string | null } {
  const app = appNameOf(locals);
  const sentBy = mailText(locals, 'mail.footer', { app, email: String(locals.email ?? '') });
  const support =
    typeof locals.supportEmail === 'string' && locals.supportEmail !== ''
      ? mailText(locals, 'mail.support')
      : null;
  return { sentBy, support };
}

/** The HTML part: the content in pow's frame (inline styles, table layout, `lang`). */
export function mailLayoutHtml(locals: MailLocals, content: MailContent): string {
  const s = MAIL_STYLES;
  const lang = typeof locals.lang === 'string' && locals.lang !== '' ? locals.lang : 'en';
  const subject = typeof locals.subject === 'string' ? locals.subject : content.heading;
  const url = content.action?.url;
  const lines: string[] = [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    `<body style="${s.body}">`,
    // A main landmark: clients that show the mail as its own page (desktop apps) give screen
    // readers a place to jump to, and axe asks for it; webmails drop or rewrite the role.
    '<div role="main">',
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${s.outer}">`,
    `<tr><td align="center" style="${s.outerCell}">`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${s.card}">`,
    `<tr><td style="${s.cardCell}">`,
    `<p style="${s.appName}">${escapeHtml(appNameOf(locals))}</p>`,
    `<h1 style="${s.heading}">${escapeHtml(content.heading)}</h1>`,
    ...content.intro.map((text) => `<p style="${s.paragraph}">${escapeHtml(text)}</p>`),
  ];
  if (content.action && url) {
    lines.push(
      `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="${s.buttonTable}">`,
      `<tr><td style="${s.buttonCell}"><a href="${escapeHtml(url)}" style="${s.button}">${escapeHtml(content.action.label)}</a></td></tr>`,
      '</table>',
    );
    if (typeof locals.linkLifetime === 'string' && locals.linkLifetime !== '') {
      lines.push(
        `<p style="${s.small}">${escapeHtml(mailText(locals, 'mail.link_lifetime', { lifetime: locals.linkLifetime }))}</p>`,
      );
    }
    lines.push(
      `<p style="${s.small}">${escapeHtml(mailText(locals, 'mail.link_fallback'))}<br><a href="${escapeHtml(url)}" style="${s.fallbackLink}">${escapeHtml(url)}</a></p>`,
    );
  }
  for (const text of content.outro ?? []) lines.push(`<p style="${s.paragraph}">${escapeHtml(text)}</p>`);
  const footer = footerParts(locals);
  // The address is the link's text: it reads the same where mailto: links do not work.
  const support = footer.support
    ? ` ${escapeHtml(footer.support)} <a href="mailto:${escapeHtml(locals.supportEmail)}" style="${s.footerLink}">${escapeHtml(locals.supportEmail)}</a>`
    : '';
  lines.push(
    '</td></tr>',
    '</table>',
    `<p style="${s.footer}">${escapeHtml(footer.sentBy)}${support}</p>`,
    '</td></tr>',
    '</table>',
    '</div>',
    '</body>',
    '</html>',
  );
  return lines.join('\n') + '\n';
}

/** The plain-text twin: the same words, the link on a line of its own. */
export function mailLayoutText(locals: MailLocals, content: MailContent): string {
  const url = content.action?.url;
  const blocks: string[] = [appNameOf(locals), content.heading, ...content.intro];
  if (content.action && url) {
    blocks.push(`${content.action.label}:\n${url}`);
    if (typeof locals.linkLifetime === 'string' && locals.linkLifetime !== '') {
      blocks.push(mailText(locals, 'mail.link_lifetime', { lifetime: locals.linkLifetime }));
    }
  }
  blocks.push(...(content.outro ?? []));
  const footer = footerParts(locals);
  const support = footer.support ? ` ${footer.support} ${String(locals.supportEmail)}` : '';
  blocks.push(`--\n${footer.sentBy}${support}`);
  return blocks.filter((block) => block !== '').join('\n\n') + '\n';
}

/** Both parts of a mail in pow's layout. */
export function mailLayout(locals: MailLocals, content: MailContent): { html: string; text: string } {
  return { html: mailLayoutHtml(locals, content), text: mailLayoutText(locals, content) };
}
