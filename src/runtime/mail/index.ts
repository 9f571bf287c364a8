export type { MailMessage, Mailer, MailName, RenderFile, MailErrorHandler } from './types.js';
export { smtpMailer, type SmtpMailerOptions } from './smtp.js';
export { consoleMailer, memoryMailer, type ConsoleMailerOptions, type MemoryMailer } from './console.js';
export { deliverLater, flushDeliveries, logMailError, type DeferredMessage } from './deliver.js';
export { renderMail, type RenderMailOptions, type RenderedMail } from './render.js';
export {
  DEFAULT_SUBJECTS,
  DEFAULT_TEMPLATES,
  MAIL_TEXTS,
  escapeHtml,
  mailText,
  type MailLocals,
  type Translate,
} from './templates.js';
export {
  mailLayout,
  mailLayoutHtml,
  mailLayoutText,
  appNameOf,
  MAIL_STYLES,
  type MailContent,
} from './layout.js';
export { formatLifetime } from './lifetime.js';
