/**
 * Mail contracts of pow's runtime. Framework-agnostic: no Express types, no template engine.
 */

/** One message, already rendered. `from` falls back to the mailer's default sender. */
export interface MailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  from?: string;
}

/** A mail adapter. `send` resolves once the message is accepted by the transport. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Release connections (SMTP pools). */
  close?(): Promise<void>;
}

/** The mails pow's extensions send. */
export type MailName =
  | 'reset_password'
  | 'password_changed'
  | 'email_confirmation'
  | 'email_changed'
  | 'registration_attempt'
  | 'invitation'
  | 'new_device'
  | 'magic_link';

/**
 * Renders one template file with the app's engine, e.g. `ejs.renderFile` (pow's runtime does not
 * import a template engine itself). Receives an absolute path and the template locals.
 */
export type RenderFile = (path: string, locals: Record<string, unknown>) => Promise<string> | string;

/** Where mail errors go; default: one line on stderr without the message body (it holds tokens). */
export type MailErrorHandler = (error: unknown, message: { to: string; subject: string } | null) => void;
