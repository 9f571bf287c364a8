import { createHash } from 'node:crypto';

/**
 * Content normalisation used for every comparison and hash: BOM stripped, CRLF/CR → LF, exactly one
 * trailing newline (none for empty content). A file a Windows checkout turned into CRLF, or an
 * editor that added a final newline, is therefore not "modified".
 */
export function normalizeContent(text: string): string {
  let out = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  out = out.replace(/\r\n?/g, '\n');
  out = out.replace(/\n+$/, '');
  return out === '' ? '' : `${out}\n`;
}

/** sha256 (hex) of the normalised content. */
export function hashContent(text: string): string {
  return createHash('sha256').update(normalizeContent(text), 'utf8').digest('hex');
}

/** True when both texts are equal after normalisation. */
export function sameContent(a: string, b: string): boolean {
  return normalizeContent(a) === normalizeContent(b);
}

/** The line ending a file uses ("\r\n" when it has any CRLF, else "\n"). */
export function detectEol(text: string): '\n' | '\r\n' {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Rewrites an LF text with the given line ending, keeping a BOM when `bom` is true. */
export function withEol(text: string, eol: '\n' | '\r\n', bom = false): string {
  const lf = text.replace(/\r\n?/g, '\n');
  const body = eol === '\n' ? lf : lf.replace(/\n/g, '\r\n');
  return bom ? `\ufeff${body}` : body;
}

/** Re-applies the original file's line ending and BOM to new LF content, so pow's writes keep the team's style. */
export function matchStyleOf(original: string | null, text: string): string {
  if (original === null) return text;
  const bom = original.charCodeAt(0) === 0xfeff;
  const eol = detectEol(original);
  if (!bom && eol === '\n') return text;
  return withEol(text, eol, bom);
}
