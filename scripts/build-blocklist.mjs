#!/usr/bin/env node
// Builds src/runtime/core/common-passwords.ts, the shipped list of common passwords that the
// password policy refuses (security bar A8: ASVS 6.2.4, NIST 800-63B "SHALL compare against a
// blocklist"). The list ships inside the package: nothing is fetched at run time.
//
// Source: the "passwords" frequency list of zxcvbn (https://github.com/dropbox/zxcvbn, MIT
// licence, Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.), itself drawn from Mark
// Burnett's 10 million password corpus. zxcvbn is NOT a dependency of pow; fetch it once into a
// scratch directory and point this script at it:
//
//   tmp="$(mktemp -d)" && (cd "$tmp" && npm pack zxcvbn@4.4.2 && tar xzf zxcvbn-*.tgz)
//   node scripts/build-blocklist.mjs "$tmp/package/lib/frequency_lists.js"   # from the repo root
//
// Usage: node scripts/build-blocklist.mjs <list> [--min-length 8] [--limit N] [--out <file>]
//   <list>        zxcvbn's lib/frequency_lists.js (its `passwords` list is used), the unpacked
//                 zxcvbn package directory, a JSON array of strings (e.g. the passwords list of
//                 @zxcvbn-ts/language-common), or a text file with one password a line. Entries
//                 are expected most common first; that order is kept.
//   --min-length  shortest entry kept, in code points after NFKC (default 8: the policy's floor,
//                 so every kept entry can be chosen under some configuration).
//   --limit       keep at most N entries (the most common ones). Default: all.
//   --out         output file (default src/runtime/core/common-passwords.ts).
//
// Every entry is NFKC-normalised, lower-cased (the same folding as isCommonPassword in
// src/runtime/core/blocklist.ts), trimmed and deduplicated; entries with control characters are
// dropped. The output is one newline-joined string, which blocklist.ts turns into a Set on
// first use, so importing pow stays cheap. Run `npx prettier --check` on the output: it is
// written in prettier's style already.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEFAULT_OUT = join(REPO_ROOT, 'src/runtime/core/common-passwords.ts');

function usage(message) {
  if (message) console.error(`build-blocklist: ${message}`);
  console.error('Usage: node scripts/build-blocklist.mjs <list> [--min-length 8] [--limit N] [--out <file>]');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { input: undefined, minLength: 8, limit: Infinity, out: DEFAULT_OUT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) usage(`${arg} needs a value`);
      return next;
    };
    if (arg === '--min-length') options.minLength = Number(value());
    else if (arg === '--limit') options.limit = Number(value());
    else if (arg === '--out') options.out = resolve(value());
    else if (arg === '--help' || arg === '-h') usage();
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else if (options.input === undefined) options.input = resolve(arg);
    else usage(`unexpected argument ${arg}`);
  }
  if (!options.input) usage('the path of the password list is required');
  if (!Number.isInteger(options.minLength) || options.minLength < 1) usage('--min-length must be >= 1');
  if (options.limit !== Infinity && (!Number.isInteger(options.limit) || options.limit < 1))
    usage('--limit must be a positive integer');
  return options;
}

/** The raw entries of `input`, most common first. */
function readList(input) {
  let path = input;
  if (statSync(path).isDirectory()) path = join(path, 'lib', 'frequency_lists.js');
  if (path.endsWith('.js') || path.endsWith('.cjs')) {
    const lists = createRequire(import.meta.url)(path);
    const passwords = lists.passwords ?? lists.default?.passwords;
    if (!passwords) throw new Error(`${path} has no "passwords" list`);
    return Array.isArray(passwords) ? passwords : String(passwords).split(',');
  }
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) {
    const data = JSON.parse(text);
    const list = Array.isArray(data) ? data : data.passwords;
    if (!Array.isArray(list)) throw new Error(`${path} is not a JSON array of passwords`);
    return list;
  }
  return text.split(/\r?\n/);
}

function codePoints(value) {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function build(entries, { minLength, limit }) {
  const seen = new Set();
  const kept = [];
  for (const raw of entries) {
    if (typeof raw !== 'string') continue;
    const entry = raw.normalize('NFKC').toLowerCase().trim();
    // Newlines separate entries; control characters have no place in a typed password.
    if (/\p{Cc}/u.test(entry) || codePoints(entry) < minLength || seen.has(entry)) continue;
    seen.add(entry);
    kept.push(entry);
    if (kept.length >= limit) break;
  }
  return kept;
}

/** "zxcvbn 4.4.2" when `input` lies inside an unpacked zxcvbn package, else the file's name. */
function describeSource(input) {
  let dir = statSync(input).isDirectory() ? input : dirname(input);
  for (let depth = 0; depth < 4; depth++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name && pkg.version) return `${pkg.name} ${pkg.version}`;
    } catch {
      // no package.json here: look one level up
    }
  }
  return relative(process.cwd(), input);
}

/** The body of a template literal: one entry a line. */
function templateBody(entries) {
  return entries
    .map((entry) => entry.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${'))
    .join('\n');
}

function render(entries, { input, minLength }) {
  return `/**
 * Common passwords refused by the password policy (security bar A8).
 *
 * GENERATED by scripts/build-blocklist.mjs from the "passwords" frequency list of
 * ${describeSource(input)}; do not edit by hand, re-run the script instead (its header says how).
 *
 * Source: zxcvbn, https://github.com/dropbox/zxcvbn, MIT licence,
 * Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc. zxcvbn's list is drawn from Mark
 * Burnett's 10 million password corpus.
 *
 * ${entries.length} entries of at least ${minLength} code points, most common first,
 * NFKC-normalised and lower-cased, one a line. src/runtime/core/blocklist.ts splits this into
 * a Set on first use.
 */
// Typed as string so that the published .d.ts does not repeat the list as a literal type.
export const COMMON_PASSWORDS_DATA: string = \`${templateBody(entries)}\`;
`;
}

const options = parseArgs(process.argv.slice(2));
const entries = build(readList(options.input), options);
writeFileSync(options.out, render(entries, options));
console.log(
  `build-blocklist: wrote ${entries.length} entries (>= ${options.minLength} code points) to ${relative(process.cwd(), options.out)}`,
);
