import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import type { MailMessage, Mailer } from './types.js';
import { assertSingleRecipient } from './recipient.js';

export interface SmtpMailerOptions extends SMTPTransport.Options {
  /** Connection URL, e.g. "smtp://user:pass@smtp.example.com:587" or "smtps://...:465". */
  url?: string;
  /** Default sender, e.g. '"Example" <no-reply@example.com>'. */
  from?: string;
  /** Keep a pool of SMTP connections open and reuse them (busy apps). `close()` ends them. */
  pool?: boolean;
  /** With `pool`: at most this many parallel connections (nodemailer default 5). */
  maxConnections?: number;
}

const DEFAULT_FROM = 'no-reply@localhost';

/**
 * The default adapter: SMTP through nodemailer. Pass a connection URL or nodemailer SMTP options.
 *
 *   smtpMailer(process.env.SMTP_URL!, { from: 'no-reply@example.com' })
 *   smtpMailer({ host: 'smtp.example.com', port: 587, auth: { user, pass }, from: '...' })
 */
export function smtpMailer(options: SmtpMailerOptions | string, extra: SmtpMailerOptions = {}): Mailer {
  const merged: SmtpMailerOptions =
    typeof options === 'string' ? { ...extra, url: options } : { ...options, ...extra };
  const { url, from = DEFAULT_FROM, pool, maxConnections, ...transportOptions } = merged;
  // nodemailer ignores every other option when an options object carries `url`: merge them here.
  const connection: SMTPTransport.Options = { ...(url ? parseConnectionUrl(url) : {}), ...transportOptions };
  const transport = pool
    ? nodemailer.createTransport({
        ...(connection as SMTPPool.Options),
        pool: true,
        ...(maxConnections !== undefined ? { maxConnections } : {}),
      })
    : nodemailer.createTransport(connection);
  return {
    async send(message: MailMessage): Promise<void> {
      // Also when the app calls the adapter itself: one bare recipient, no line breaks (issue 16).
      assertSingleRecipient(message.to);
      await transport.sendMail({
        from: message.from ?? from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}
