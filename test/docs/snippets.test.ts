/**
 * The guides quote the example files instead of copies of them: every `<!-- snippet: ... -->`
 * block equals the file region it names (scripts/check-docs.mjs; `--write` refreshes them),
 * every region of an example is quoted somewhere, relative links resolve, and every guide is
 * listed in docs/guides/README.md and says which test backs it. Reads files only: fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
// @ts-expect-error: a plain .mjs script without types.
import { REPO_ROOT, brokenLinks, docFiles, snippetsOf } from '../../scripts/check-docs.mjs';

interface Snippet {
  doc: string;
  file: string;
  region?: string;
  ok: boolean;
  error?: string;
  body: string;
  expected?: string;
}

const docs = (docFiles() as string[]).map((path) => relative(REPO_ROOT, path));
const snippets = docs.flatMap((doc) => snippetsOf(join(REPO_ROOT, doc)) as Snippet[]);

test('every snippet in the docs equals the region of the example file it names', () => {
  // 24 today: a floor that catches a parser that finds none.
  assert.ok(snippets.length >= 24, `only ${snippets.length} snippets found`);
  for (const s of snippets) {
    const where = `${s.doc}: ${s.file}${s.region ? `#${s.region}` : ''}`;
    assert.equal(s.error, undefined, `${where}: ${s.error}`);
    assert.equal(
      s.body,
      s.expected,
      `${where} differs from the file; run node scripts/check-docs.mjs --write`,
    );
  }
});

test('every region of the example files is quoted by a guide', () => {
  const quoted = new Set(snippets.map((s) => `${s.file}#${s.region ?? ''}`));
  const walk = (dir: string): string[] =>
    readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
    );
  for (const file of walk('examples').filter((path) => !path.endsWith('.md'))) {
    for (const [, region] of readFileSync(join(REPO_ROOT, file), 'utf8').matchAll(/#region\s+([\w-]+)/g)) {
      assert.ok(quoted.has(`${file}#${region}`), `${file}#${region} is quoted by no guide`);
    }
  }
});

test('relative links in the docs point at files that exist', () => {
  const broken = docs.flatMap(
    (doc) => brokenLinks(join(REPO_ROOT, doc)) as Array<{ doc: string; target: string }>,
  );
  assert.deepEqual(broken, []);
});

/** Reference pages next to the guides (backed by the tests they name in their own words). */
const REFERENCE_PAGES = new Set(['multiple-user-types.md', 'passwords.md']);

test('every guide is in the index and names the test that backs it', () => {
  const index = readFileSync(join(REPO_ROOT, 'docs/guides/README.md'), 'utf8');
  const guides = readdirSync(join(REPO_ROOT, 'docs/guides')).filter(
    (name) => name.endsWith('.md') && name !== 'README.md',
  );
  assert.ok(guides.length >= 15, guides.join(', '));
  for (const guide of guides) {
    assert.ok(index.includes(`](${guide})`), `docs/guides/README.md does not link ${guide}`);
    if (REFERENCE_PAGES.has(guide)) continue;
    const text = readFileSync(join(REPO_ROOT, 'docs/guides', guide), 'utf8');
    assert.match(text, /^\*\*Tested by\*\* `test\/docs\/[\w.-]+\.test\.ts`/m, `${guide} names no test`);
  }
});
