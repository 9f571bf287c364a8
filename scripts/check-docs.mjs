#!/usr/bin/env node
// Keeps the guides honest: every code block in the docs that is marked
//
//   <!-- snippet: examples/redirect-after-sign-in/src/pow/config.ts#routes -->
//
//   ```ts
//   ...
//   ```
//
// must equal that region of the example file (test/docs/ runs the example files). A region is the
// lines between `#region <name>` and the next `#endregion` (in any comment syntax: `// #region x`,
// `<%# #region x %>`, `# #region x`), dedented; without `#name`, the whole file. Marker lines
// themselves never appear in a snippet. Relative links in the docs must point at existing files.
//
// Usage: node scripts/check-docs.mjs            check, exit 1 on a mismatch
//        node scripts/check-docs.mjs --write    rewrite the marked blocks from the example files
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const SNIPPET = /^<!-- snippet: ([^\s#]+)(?:#([\w-]+))? -->\n\n?(`{3,})([\w-]*)\n([\s\S]*?)^\3$/gm;
const REGION_START = /#region\s+([\w-]+)/;
const REGION_END = /#endregion\b/;

/** The markdown files whose snippets and links are checked (generated API docs excluded). */
export function docFiles(root = REPO_ROOT) {
  const out = [join(root, 'README.md')];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (relative(root, path) !== join('docs', 'api')) walk(path);
      } else if (name.endsWith('.md')) out.push(path);
    }
  };
  walk(join(root, 'docs'));
  if (existsSync(join(root, 'examples'))) walk(join(root, 'examples'));
  return out;
}

function dedent(lines) {
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)[0].length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(cut));
}

/** The text of `file` (relative to the repo root), or of its region `name`, without marker lines. */
export function extractSnippet(file, name, root = REPO_ROOT) {
  const path = join(root, file);
  if (!existsSync(path)) throw new Error(`${file} does not exist`);
  const lines = readFileSync(path, 'utf8').replace(/\n$/, '').split('\n');
  const isMarker = (line) => REGION_START.test(line) || REGION_END.test(line);
  if (!name) return `${lines.filter((line) => !isMarker(line)).join('\n')}\n`;
  const start = lines.findIndex((line) => REGION_START.exec(line)?.[1] === name);
  if (start === -1) throw new Error(`${file} has no region "${name}" (a line with "#region ${name}")`);
  const body = [];
  let depth = 0;
  for (const line of lines.slice(start + 1)) {
    if (REGION_END.test(line)) {
      if (depth === 0) return `${dedent(body).join('\n')}\n`;
      depth -= 1;
    } else if (REGION_START.test(line)) depth += 1;
    else body.push(line);
  }
  throw new Error(`${file}: region "${name}" has no #endregion`);
}

/** Every marked snippet of one markdown file: where it points and whether it matches. */
export function snippetsOf(mdPath, root = REPO_ROOT) {
  const text = readFileSync(mdPath, 'utf8');
  const out = [];
  for (const match of text.matchAll(SNIPPET)) {
    const [, file, region, , , body] = match;
    let expected;
    let error;
    try {
      expected = extractSnippet(file, region, root);
    } catch (e) {
      error = e.message;
    }
    out.push({
      doc: relative(root, mdPath),
      file,
      region,
      body,
      expected,
      error,
      ok: !error && body === expected,
    });
  }
  return out;
}

/** Relative links (`[x](../y.md#z)`) that point at a missing file. */
export function brokenLinks(mdPath, root = REPO_ROOT) {
  const text = readFileSync(mdPath, 'utf8').replace(/^(`{3,})[\s\S]*?^\1$/gm, '');
  const broken = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const file = target.split('#')[0];
    if (!existsSync(resolve(dirname(mdPath), file))) broken.push({ doc: relative(root, mdPath), target });
  }
  return broken;
}

/** Rewrites the marked blocks of `mdPath` from the example files; returns true when it changed. */
export function writeSnippets(mdPath, root = REPO_ROOT) {
  const text = readFileSync(mdPath, 'utf8');
  const next = text.replace(SNIPPET, (whole, file, region, fence, lang) => {
    const body = extractSnippet(file, region, root);
    return `<!-- snippet: ${file}${region ? `#${region}` : ''} -->\n\n${fence}${lang}\n${body}${fence}`;
  });
  if (next === text) return false;
  writeFileSync(mdPath, next);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes('--write');
  let failures = 0;
  let count = 0;
  for (const md of docFiles()) {
    if (write && writeSnippets(md)) console.log(`updated ${relative(REPO_ROOT, md)}`);
    for (const snippet of snippetsOf(md)) {
      count += 1;
      if (snippet.ok) continue;
      failures += 1;
      console.error(
        `${snippet.doc}: snippet ${snippet.file}${snippet.region ? `#${snippet.region}` : ''} ` +
          (snippet.error ?? 'differs from the file (run node scripts/check-docs.mjs --write)'),
      );
    }
    for (const link of brokenLinks(md)) {
      failures += 1;
      console.error(`${link.doc}: broken link ${link.target}`);
    }
  }
  console.log(`${count} snippets checked, ${failures} problem(s)`);
  process.exitCode = failures === 0 ? 0 : 1;
}
