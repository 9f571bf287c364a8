import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { MailMessage, Mailer } from './types.js';

export interface SmtpMailerOptions extends SMTPTransport.Options {
  /** Connection URL, e.g. "smtp://user:pass@smtp.example.com:587" or "smtps://...:465". */
  url?: string;
  /** Default sender, e.g. '"Example" <no-reply@example.com>'. */
  from?: string;
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
  const { url, from = DEFAULT_FROM, ...transportOptions } = merged;
  const transport = url
    ? nodemailer.createTransport(url, transportOptions)
    : nodemailer.createTransport(transportOptions);
  return {
    async send(message: MailMessage): Promise<void> {
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
