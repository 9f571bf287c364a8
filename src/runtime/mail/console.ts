import type { MailMessage, Mailer } from './types.js';

export interface ConsoleMailerOptions {
  /** Where to print; default `process.stdout`. */
  stream?: { write(chunk: string): unknown };
  /** Also print the HTML part. Default false (the text part carries the same links). */
  html?: boolean;
}

/**
 * Development adapter: prints each message instead of sending it. Never use it in production:
 * the printed text contains live tokens.
 */
export function consoleMailer(options: ConsoleMailerOptions = {}): Mailer {
  const stream = options.stream ?? process.stdout;
  return {
    async send(message: MailMessage): Promise<void> {
      const lines = [
        '----- pow mail -----',
        `To: ${message.to}`,
        ...(message.from ? [`From: ${message.from}`] : []),
        `Subject: ${message.subject}`,
        '',
        message.text.trimEnd(),
        ...(options.html ? ['', '--- html ---', message.html.trimEnd()] : []),
        '--------------------',
        '',
      ];
      stream.write(lines.join('\n'));
    },
  };
}

/** A mailer that keeps messages in memory (unit tests, previews). */
export interface MemoryMailer extends Mailer {
  readonly messages: MailMessage[];
  clear(): void;
}

export function memoryMailer(): MemoryMailer {
  const messages: MailMessage[] = [];
  return {
    messages,
    async send(message: MailMessage): Promise<void> {
      messages.push({ ...message });
    },
    clear(): void {
      messages.length = 0;
    },
  };
}
