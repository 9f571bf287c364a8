import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { PowError } from '../../shared/pow-error.js';
import { DEFAULT_TEMPLATES, MAIL_TEXTS, mailText, type MailLocals } from './templates.js';
import type { MailName, RenderFile } from './types.js';
import { appNameOf } from './layout.js';

export interface RenderMailOptions {
  /** Renders the app's template files, e.g. `ejs.renderFile`. Required when `templateDir` holds templates. */
  renderFile?: RenderFile;
  /** Subject line; default: `locals.subject`, then `t('mail.<name>.subject')`, then the English default. */
  subject?: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

function nonKey(value: string, key: string): string | undefined {
  return value === key ? undefined : value;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Renders mail `name` from `<templateDir>/<name>.html.ejs` and `<templateDir>/<name>.text.ejs`
 * (generated into the app's `<views>/pow/mailer/`); each part falls back to pow's default when its
 * file is missing (or `templateDir` is undefined).
 */
export async function renderMail(
  templateDir: string | undefined,
  name: MailName | string,
  locals: MailLocals,
  options: RenderMailOptions = {},
): Promise<RenderedMail> {
  const fallback = (
    DEFAULT_TEMPLATES as Record<string, ((l: MailLocals) => { html: string; text: string }) | undefined>
  )[name];
  const subject =
    options.subject ??
    (typeof locals.subject === 'string' ? locals.subject : undefined) ??
    (MAIL_TEXTS[`mail.${name}.subject`] !== undefined || typeof locals.t === 'function'
      ? nonKey(mailText(locals, `mail.${name}.subject`, { app: appNameOf(locals) }), `mail.${name}.subject`)
      : undefined);

  const parts: { html?: string; text?: string } = {};
  for (const format of ['html', 'text'] as const) {
    const file = templateDir ? join(templateDir, `${name}.${format}.ejs`) : undefined;
    if (file && (await exists(file))) {
      if (!options.renderFile) {
        throw new PowError({
          code: 'POW_MAIL_RENDERER_MISSING',
          message: `Mail template ${file} exists but no renderFile function was configured to render it.`,
          fix: "Pass `renderFile: ejs.renderFile` (the app's own ejs package) with the mail options.",
        });
      }
      // The templates read the app name as `appName` (never undefined, so `<%= appName %>` works).
      parts[format] = await options.renderFile(file, { ...locals, appName: appNameOf(locals), subject });
    }
  }
  if ((parts.html === undefined || parts.text === undefined) && !fallback) {
    throw new PowError({
      code: 'POW_MAIL_TEMPLATE_MISSING',
      message: `No mail template "${name}" (looked for ${name}.html.ejs and ${name}.text.ejs in ${templateDir ?? '(no folder)'}).`,
    });
  }
  const defaults = fallback ? fallback({ ...locals, subject }) : { html: '', text: '' };
  if (subject === undefined) {
    throw new PowError({
      code: 'POW_MAIL_SUBJECT_MISSING',
      message: `No subject for mail template "${name}".`,
    });
  }
  return { subject, html: parts.html ?? defaults.html, text: parts.text ?? defaults.text };
}
