/**
 * Does the project's root `.gitignore` hide a file at the project root? A minimal reading of
 * gitignore(5), enough for the few root files pow writes (`.env`, `.env.example`): comments,
 * blank lines, `!` negation (the last matching rule wins), a leading `/` or an inner `/`
 * (anchored to the root), a trailing `/` (folders only, so never a file), `*`, `?`, `[...]`,
 * `**` and backslash escapes. Nested `.gitignore` files and `.git/info/exclude` are not read.
 */

export interface IgnoreVerdict {
  ignored: boolean;
  /** The rule that decided, as written (for the message), or null when no rule matched. */
  rule: string | null;
}

/** A gitignore glob as a RegExp over a root-relative path. */
function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += escape(glob[++i]!);
    } else if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches any number of folders, a trailing `**` everything below.
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        out += '\\[';
      } else {
        const body = glob
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else {
      out += escape(c);
    }
  }
  return new RegExp(`^${out}$`);
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Reads `.gitignore` text and says whether the root file `path` (e.g. ".env.example") is ignored. */
export function rootFileIgnored(gitignore: string | null, path: string): IgnoreVerdict {
  let verdict: IgnoreVerdict = { ignored: false, rule: null };
  if (gitignore === null) return verdict;
  for (const raw of gitignore.split(/\r?\n/)) {
    // Trailing spaces are dropped unless escaped.
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1);
    if (line.startsWith('\\#') || line.startsWith('\\!')) line = line.slice(1);
    // A folder-only rule never matches a file.
    if (line.endsWith('/')) continue;
    const anchored = line.startsWith('/');
    // With or without a slash, a rule that can match a root file matches it here (`**/` matches
    // no folder at all); `/` only anchors, and `path` is at the root.
    if (globToRegExp(anchored ? line.slice(1) : line).test(path)) {
      verdict = { ignored: !negated, rule: raw.trim() };
    }
  }
  return verdict;
}
