import type { MailErrorHandler, MailMessage, Mailer } from './types.js';
import { assertSingleRecipient } from './recipient.js';

/**
 * A message, or a function that builds it (rendering then also runs off the request path) or
 * decides, off the request path too, that there is nothing to send (null: e.g. a rate limit).
 */
export type DeferredMessage = MailMessage | (() => MailMessage | null | Promise<MailMessage | null>);

const pending = new Set<Promise<void>>();

export const logMailError: MailErrorHandler = (error, message) => {
  const reason = error instanceof Error ? error.message : String(error);
  const what = message ? `"${message.subject}"` : 'a message';
  // Never the body: it carries live tokens.
  process.stderr.write(`pow: failed to deliver ${what}: ${reason}\n`);
};

/**
 * Queues a message for delivery after the current request handler has returned (setImmediate),
 * so SMTP latency or failure never changes an HTTP response or its timing. A message whose `to`
 * is not one bare address is refused (mail/recipient.ts). Errors go to `onError` (default: one
 * line on stderr); they are never thrown to the caller.
 */
export function deliverLater(
  mailer: Mailer,
  message: DeferredMessage,
  onError: MailErrorHandler = logMailError,
): void {
  let built: MailMessage | null = null;
  const job = new Promise<void>((resolve) => {
    setImmediate(() => {
      void (async () => {
        try {
          built = typeof message === 'function' ? await message() : message;
          if (built === null) return;
          // Whatever the adapter: one bare recipient, no line breaks (issue 16).
          assertSingleRecipient(built.to);
          await mailer.send(built);
        } catch (error) {
          try {
            onError(error, built ? { to: built.to, subject: built.subject } : null);
          } catch {
            // An error handler that throws must not crash the process either.
          }
        } finally {
          resolve();
        }
      })();
    });
  });
  pending.add(job);
  void job.then(() => pending.delete(job));
}

/** Resolves when every message queued so far (and any queued meanwhile) has been handled. For tests and shutdown. */
export async function flushDeliveries(): Promise<void> {
  while (pending.size > 0) {
    await Promise.all([...pending]);
  }
}
