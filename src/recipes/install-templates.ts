/**
 * Which templates `pow install` emits, and where.
 *
 * Every template under `templates/install/` (code, emitted below the project's source folder) and
 * `templates/views/` (EJS views and the stylesheet, below the views folder) is part of the install,
 * except:
 * - `install/pow/prisma.ts.ejs`: only when the app has no module exporting a PrismaClient;
 * - anything with a `registration` path segment: only with registration (`--no-registration`);
 * - extension files: a path segment named after an extension (`reset-password`, `reset_password`,
 *   `reset-password.ts.ejs`, `extensions/invitation/...`) is emitted only when that extension is
 *   enabled, so an extension's controllers, routes, views and mail templates can be dropped into
 *   these folders and are picked up without touching the recipe;
 * - templates that belong to an extension without naming it (`mailer/password_changed.*`,
 *   `confirmation/...`: EXTENSION_MAILS and EXTENSION_SEGMENTS in extensions.ts) follow that extension;
 * - other `mailer/` templates (a shared mail layout): only when an extension that sends e-mail is
 *   enabled;
 * - `landing.ejs`: only for a namespace (`gen.templates --namespace admin`), whose routes file
 *   serves it at the mount path;
 * - `pow.css`: only for the default users; every namespace's routes serve that one file.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { POW_TEMPLATES_DIR } from '../generate/render.js';
import type { TemplateContext } from './template-context.js';
import { EXTENSION_NAMES, MAILING_EXTENSIONS } from '../runtime/core/extension-names.js';
import { mailTemplateExtension } from './extensions.js';

/** The recipe folders of the install and what their output paths are relative to. */
export const INSTALL_TEMPLATE_ROOTS = ['install', 'views'] as const;

export interface SelectedTemplate {
  /** Template id, e.g. "install/pow/__namespace__/config.ts.ejs". */
  id: string;
  /** Folder the mapped path goes below: the source folder or the views folder. */
  prefix: string;
}

/** Every template id under the install's recipe folders, sorted. */
export function listInstallTemplates(templatesDir: string = POW_TEMPLATES_DIR): string[] {
  const ids: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(join(dir, entry.name), child);
      else if (entry.name.endsWith('.ejs')) ids.push(child);
    }
  };
  for (const root of INSTALL_TEMPLATE_ROOTS) {
    try {
      walk(join(templatesDir, root), root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return ids.sort();
}

/** "reset_password.html.ejs" → "reset-password". */
function stem(segment: string): string {
  const dot = segment.indexOf('.');
  return (dot === -1 ? segment : segment.slice(0, dot)).replace(/_/g, '-');
}

/** The extension a template belongs to, or null for the core templates. */
export function templateExtension(id: string): string | null {
  // Mails named after what they say (password_changed, email_changed) belong to their extension.
  const mail = mailTemplateExtension(id);
  if (mail !== null) return mail;
  for (const segment of id.split('/')) {
    const name = stem(segment);
    if ((EXTENSION_NAMES as readonly string[]).includes(name)) return name;
  }
  return null;
}

/** Applies the rules of the module comment to `ids`. */
export function selectInstallTemplates(ids: readonly string[], it: TemplateContext): SelectedTemplate[] {
  const enabled = new Set<string>(it.extensions);
  const mails = it.extensions.some((name) => MAILING_EXTENSIONS.includes(name));
  const selected: SelectedTemplate[] = [];
  for (const id of ids) {
    const segments = id.split('/');
    if (id === 'install/pow/prisma.ts.ejs' && !it.prisma.generateClient) continue;
    if (segments.some((segment) => stem(segment) === 'registration') && !it.has.registration) continue;
    // A namespace's landing page (its routes file serves it); the default users land on the app's pages.
    if (stem(segments[segments.length - 1]!) === 'landing' && it.namespace === null) continue;
    // One stylesheet for every user type: a namespace's routes serve the default users' file.
    if (segments[segments.length - 1] === 'pow.css.ejs' && it.namespace !== null) continue;
    const extension = templateExtension(id);
    if (extension !== null && !enabled.has(extension)) continue;
    if (extension === null && segments.includes('mailer') && !mails) continue;
    selected.push({
      id,
      prefix: segments[0] === 'views' ? it.project.viewsDir : it.project.sourceDir,
    });
  }
  return selected;
}
