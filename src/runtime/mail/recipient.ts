/**
 * The last line of defence of every mail pow sends (issue 16): exactly one recipient, a bare
 * address. Addresses are validated long before they get here (the edit-account rules,
 * core/validation.ts); this refuses whatever slipped through instead of letting a transport
 * read it its own way: CR or LF (header injection, e.g. a `Bcc:` line), a second recipient
 * (`a@x, b@y`), a display name (`Victim <v@example.com>`), or anything nodemailer's address
 * parser would rewrite (a quoted local part loses its quotes there and would reach someone else).
 */
import addressparser from 'nodemailer/lib/addressparser/index.js';

/** Why `to` is not one bare address, or null when it is. */
export function recipientProblem(to: unknown): string | null {
  if (typeof to !== 'string' || to === '') return 'no recipient';
  if (/[\r\n]/.test(to)) return 'the recipient contains a line break';
  if (/\p{Cc}/u.test(to)) return 'the recipient contains a control character';
  const parsed = addressparser(to);
  if (parsed.length !== 1 || 'group' in parsed[0]) return 'more than one recipient';
  const [only] = parsed as Array<{ name: string; address: string }>;
  if (only.name !== '' || only.address !== to) return 'the recipient is not one bare address';
  return null;
}

/** Throws unless `to` is exactly one bare address (see `recipientProblem`). */
export function assertSingleRecipient(to: unknown): void {
  const problem = recipientProblem(to);
  if (problem) throw new Error(`pow: refused to send mail: ${problem}`);
}
