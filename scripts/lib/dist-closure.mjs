// The files of dist/ that an entry file reaches through relative imports (static `from '...'`,
// `import('...')` and `export ... from '...'`), for .js and .d.ts alike. Used to stage the CLI
// package with exactly the compiled files it runs, and to check the runtime package's `files`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

/** Absolute paths of `entries` and every file they import, relative specifiers only. */
export function distClosure(entries) {
  const seen = new Set();
  const queue = entries.map((e) => resolve(e));
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const target = join(dirname(file), match[2]);
      queue.push(target);
      // A .d.ts imports its neighbours as './x.js'; the declaration is './x.d.ts'.
      if (file.endsWith('.d.ts') && target.endsWith('.js')) queue.push(target.replace(/\.js$/, '.d.ts'));
    }
  }
  return [...seen].sort();
}
