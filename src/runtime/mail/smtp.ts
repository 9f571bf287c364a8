/**
 * The SMTP adapter, through nodemailer. nodemailer is an optional peer of pow (`pow install` adds
 * it when an extension sends mail): it is loaded with `import()` when the first message goes
 * out, so `import 'pow'` loads no mail transport, and an app without mail needs no nodemailer.
 * The option types are pow's own (a subset of nodemailer's SMTP options, the rest passed
 * through), so pow's published declarations need no `@types/nodemailer`.
 */
import { createRequire } from 'node:module';
import { configError } from '../core/errors.js';
import type { MailMessage, Mailer } from './types.js';
import { assertSingleRecipient } from './recipient.js';

/** TLS options passed to Node's `tls.connect` (see its documentation). */
export interface SmtpTlsOptions {
  /** false accepts self-signed certificates (development only). */
  rejectUnauthorized?: boolean;
  servername?: string;
  minVersion?: string;
  ciphers?: string;
  [option: string]: unknown;
}

/** SMTP connection options (nodemailer's SMTP transport options; unknown keys are passed on). */
export interface SmtpTransportOptions {
  host?: string;
  port?: number;
  /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
  secure?: boolean;
  /** Never use STARTTLS. */
  ignoreTLS?: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTLS?: boolean;
  auth?: { user?: string; pass?: string; type?: string; [option: string]: unknown };
  tls?: SmtpTlsOptions;
  /** Hostname announced in EHLO. */
  name?: string;
  connectionTimeout?: number;
  greetingTimeout?: number;
  socketTimeout?: number;
  [option: string]: unknown;
}

export interface SmtpMailerOptions extends SmtpTransportOptions {
  /** Connection URL, e.g. "smtp://user:pass@smtp.example.com:587" or "smtps://...:465". */
  url?: string;
  /** Default sender, e.g. '"Example" <no-reply@example.com>'. */
  from?: string;
  /** Keep a pool of SMTP connections open and reuse them (busy apps). `close()` ends them. */
  pool?: boolean;
  /** With `pool`: at most this many parallel connections (nodemailer default 5). */
  maxConnections?: number;
}

/** The part of nodemailer pow uses. */
interface Transport {
  sendMail(message: Record<string, unknown>): Promise<unknown>;
  close(): void;
}
interface Nodemailer {
  createTransport(options: Record<string, unknown>): Transport;
}

const DEFAULT_FROM = 'no-reply@localhost';

/** Fails at start-up (when the mailer is created), not at the first mail, if nodemailer is missing. */
function assertNodemailerInstalled(): void {
  try {
    createRequire(import.meta.url).resolve('nodemailer');
  } catch {
    throw configError(
      'smtpMailer',
      'needs the package nodemailer, which is not installed',
      'npm install nodemailer',
    );
  }
}

async function loadNodemailer(): Promise<{
  nodemailer: Nodemailer;
  parseConnectionUrl(url: string): object;
}> {
  const [main, shared] = await Promise.all([
    import('nodemailer') as Promise<{ default: Nodemailer }>,
    // nodemailer's own URL parser, so a URL means what it means to nodemailer.
    import('nodemailer/lib/shared/index.js') as Promise<{
      default: { parseConnectionUrl(url: string): object };
    }>,
  ]);
  return { nodemailer: main.default, parseConnectionUrl: shared.default.parseConnectionUrl };
}

/**
 * The default adapter: SMTP through nodemailer. Pass a connection URL or SMTP options.
 *
 *   smtpMailer(process.env.SMTP_URL!, { from: 'no-reply@example.com' })
 *   smtpMailer({ host: 'smtp.example.com', port: 587, auth: { user, pass }, from: '...' })
 */
export function smtpMailer(options: SmtpMailerOptions | string, extra: SmtpMailerOptions = {}): Mailer {
  const merged: SmtpMailerOptions =
    typeof options === 'string' ? { ...extra, url: options } : { ...options, ...extra };
  const { url, from = DEFAULT_FROM, pool, maxConnections, ...transportOptions } = merged;
  assertNodemailerInstalled();
  let transport: Promise<Transport> | undefined;
  const open = (): Promise<Transport> =>
    (transport ??= loadNodemailer().then(({ nodemailer, parseConnectionUrl }) => {
      // nodemailer ignores every other option when an options object carries `url`: merge them here.
      const connection = { ...(url ? parseConnectionUrl(url) : {}), ...transportOptions };
      return nodemailer.createTransport(
        pool
          ? { ...connection, pool: true, ...(maxConnections !== undefined ? { maxConnections } : {}) }
          : connection,
      );
    }));
  return {
    async send(message: MailMessage): Promise<void> {
      // Also when the app calls the adapter itself: one bare recipient, no line breaks (issue 16).
      assertSingleRecipient(message.to);
      await (
        await open()
      ).sendMail({
        from: message.from ?? from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
    },
    async close(): Promise<void> {
      if (transport) (await transport).close();
    },
  };
}
