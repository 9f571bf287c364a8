/**
 * The generated mail templates (templates/views/__namespace__/pow/mailer), rendered through the
 * generator pass into a temp folder as `pow install` writes them, so tests can render them with
 * ejs exactly as the app's `app.render` would. The caller removes `dir`.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ejs from 'ejs';
import { renderTemplate } from '../../src/generate/render.js';
import { createTranslator } from '../../src/runtime/i18n/index.js';
import { renderMail, type MailLocals, type RenderedMail } from '../../src/runtime/mail/index.js';
import { REPO_ROOT } from './fixtures.js';

export const MAILER_TEMPLATES = join(REPO_ROOT, 'templates/views/__namespace__/pow/mailer');

/** Writes the generated mail templates (`reset_password.html.ejs`, `layout.html.ejs`, ...) to a temp folder. */
export async function generatedMailDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pow-mailer-'));
  for (const file of await readdir(MAILER_TEMPLATES)) {
    const source = join(MAILER_TEMPLATES, file);
    const text = renderTemplate(
      await readFile(source, 'utf8'),
      {},
      {
        id: `views/__namespace__/pow/mailer/${file}`,
        file: source,
      },
    );
    await writeFile(join(dir, file.replace(/\.ejs$/, '')), text);
  }
  return dir;
}

/** Locals as the extensions pass them (context.ts sendMail), in `locale` with pow's catalogues. */
export function mailLocals(locale: string, overrides: Partial<MailLocals> = {}): MailLocals {
  const translator = createTranslator({});
  return {
    user: { id: 1, email: 'ada@example.com' },
    email: 'ada@example.com',
    url: 'https://shop.example/reset-password/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-ABCDE/edit',
    appName: 'Acme Shop',
    lang: locale,
    linkLifetime: locale === 'de' ? '1 Stunde' : '1 hour',
    supportEmail: '',
    newEmail: 'ada.new@example.com',
    invitedByUserId: 'boss@example.com',
    // new_device: when and in which browser the account was signed in.
    time: '7 December 2026, 21:16 UTC',
    device: 'Firefox 128 on Windows 10',
    t: (key, params) => translator.t(locale, key, params),
    ...overrides,
  };
}

/** One mail rendered from the generated templates in `dir` (as the app renders it). */
export function renderGenerated(dir: string, name: string, locals: MailLocals): Promise<RenderedMail> {
  return renderMail(dir, name, locals, { renderFile: ejs.renderFile });
}
