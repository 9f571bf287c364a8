/**
 * An in-process, real SMTP server on a free loopback port that captures every message
 * (smtp-server + mailparser). Tests send through nodemailer to `url` and read what arrived.
 *
 *   const smtp = await startSmtpServer();
 *   const mailer = smtpMailer(smtp.url, { from: 'pow@test.local' });
 *   ...
 *   const mail = await smtp.waitForMail((m) => m.to === 'a@example.com');
 *   const link = firstLink(mail);
 *   await smtp.close();
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface CapturedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  envelopeTo: string[];
  /** First recipient from the To header, lower-cased. */
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** The raw RFC 5322 source. */
  raw: string;
}

export interface SmtpTestServer {
  readonly port: number;
  /** "smtp://127.0.0.1:<port>" */
  readonly url: string;
  /** Every message received so far, in arrival order. */
  readonly messages: CapturedMail[];
  /** Resolves with the first message (already received or arriving later) matching `predicate`. */
  waitForMail(predicate?: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** Makes the server refuse (or accept again) every message with a 5xx reply. */
  failDeliveries(fail: boolean): void;
  clear(): void;
  close(): Promise<void>;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

export async function startSmtpServer(): Promise<SmtpTestServer> {
  const messages: CapturedMail[] = [];
  const waiters = new Set<{ predicate: (m: CapturedMail) => boolean; resolve: (m: CapturedMail) => void }>();
  let failing = false;

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // No DNS on the loopback (offline machines would wait for a timeout).
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        if (failing) {
          const error = Object.assign(new Error('Mailbox unavailable (test)'), { responseCode: 550 });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            const mail: CapturedMail = {
              envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              to: addresses(parsed.to)[0] ?? '',
              from: addresses(parsed.from)[0] ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              raw,
            };
            messages.push(mail);
            for (const waiter of [...waiters]) {
              if (waiter.predicate(mail)) {
                waiters.delete(waiter);
                waiter.resolve(mail);
              }
            }
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => {
    // Connection-level errors (client hang-ups) are not test failures.
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitForMail(predicate = () => true, timeoutMs = 5000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<CapturedMail>((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (m: CapturedMail) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No matching mail within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    failDeliveries(fail: boolean) {
      failing = fail;
    },
    clear() {
      messages.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The first http(s) link in a message (text part first, then the HTML). */
export function firstLink(mail: { text?: string; html?: string }): string {
  const match =
    /https?:\/\/[^\s"'<>]+/.exec(mail.text ?? '') ?? /href="(https?:\/\/[^"]+)"/.exec(mail.html ?? '');
  if (!match) throw new Error('No link in the message');
  return (match[1] ?? match[0]).replace(/&amp;/g, '&');
}

/** The last path segment that looks like a token in a link, e.g. /reset-password/<token>/edit → <token>. */
export function tokenFromLink(link: string): string {
  const segments = new URL(link).pathname.split('/').filter(Boolean);
  const token = segments.find((s) => /^[A-Za-z0-9_-]{43}$/.test(s));
  if (!token) throw new Error(`No token in ${link}`);
  return token;
}
