/**
 * The last line of defence of every mail pow sends (issue 16): exactly one recipient, a bare
 * address. Addresses are validated long before they get here (the edit-account rules,
 * core/validation.ts); this refuses whatever slipped through instead of letting a transport
 * read it its own way: CR or LF (header injection, e.g. a `Bcc:` line), a second recipient
 * (`a@x, b@y`), a display name (`Victim <v@example.com>`), or anything an address parser
 * could read its own way (nodemailer's drops the quotes of a quoted local part, so such an
 * address would reach someone else).
 *
 * The check is pow's own, without nodemailer (an optional peer, loaded only when SMTP is used):
 * one local part and one domain, neither holding a character that separates, groups, quotes or
 * comments addresses in a header (RFC 5322 specials and white space).
 */

/** Characters that give an address header more than one bare address to read. */
const HEADER_SPECIALS = /[\s()<>[\]:;,\\"]/u;

/** Why `to` is not one bare address, or null when it is. */
export function recipientProblem(to: unknown): string | null {
  if (typeof to !== 'string' || to === '') return 'no recipient';
  if (/[\r\n]/.test(to)) return 'the recipient contains a line break';
  if (/\p{Cc}/u.test(to)) return 'the recipient contains a control character';
  if (/[,;]/.test(to)) return 'more than one recipient';
  const at = to.lastIndexOf('@');
  if (at <= 0 || at === to.length - 1 || to.indexOf('@') !== at || HEADER_SPECIALS.test(to))
    return 'the recipient is not one bare address';
  return null;
}

/** Throws unless `to` is exactly one bare address (see `recipientProblem`). */
export function assertSingleRecipient(to: unknown): void {
  const problem = recipientProblem(to);
  if (problem) throw new Error(`pow: refused to send mail: ${problem}`);
}
