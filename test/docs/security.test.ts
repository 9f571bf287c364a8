/**
 * docs/security.md lists what pow promises, each promise linked to the test that checks it (the
 * link text is the test's name). Every promise (a list item) has at least one such link, every
 * link points at a test file, and the file has a test of that name. Reads files only: fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';

const DOC = join(REPO_ROOT, 'docs/security.md');
/** A link whose text is a test name in backticks: [`name`](path). */
const TEST_LINK = /\[`([^`]+)`\]\(([^)\s]+)\)/g;

/** The list items of the page (a "- " line and its indented continuation lines). */
function promises(text: string): string[] {
  const items: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('- ')) items.push(line.slice(2));
    else if (/^ {2}\S/.test(line) && items.length > 0) items[items.length - 1] += ` ${line.trim()}`;
  }
  return items;
}

test('every promise in docs/security.md links to a test of that name', () => {
  const items = promises(readFileSync(DOC, 'utf8'));
  assert.ok(items.length >= 10, `only ${items.length} promises found`);
  for (const item of items) {
    const links = [...item.matchAll(TEST_LINK)];
    assert.ok(links.length > 0, `no test linked: ${item.slice(0, 80)}`);
    for (const [, name, target] of links) {
      const file = resolve(dirname(DOC), target);
      assert.match(target, /\.test\.ts$/, `${target} is not a test file`);
      assert.ok(existsSync(file), `${target} does not exist`);
      // A plain string or part of a template literal (`${version}: name`) in the file's source.
      assert.ok(readFileSync(file, 'utf8').includes(name), `${target} has no test named "${name}"`);
    }
  }
});
