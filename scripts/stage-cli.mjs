#!/usr/bin/env node
// Stages the CLI package (packages/cli, published as pow-cli) from the one source tree: bin/,
// templates/ and the compiled files of dist/ that bin/pow.js reaches (dist/cli/main.js and its
// imports, with their declarations). packages/cli/package.json is committed; the staged folders
// are not (.gitignore). The CLI's version must be the runtime's: pow install adds both at the
// same version. Run after tsc (`npm run build` does).
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { distClosure } from './lib/dist-closure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const target = join(root, 'packages/cli');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

export function stageCli() {
  const runtime = readJson(join(root, 'package.json'));
  const cli = readJson(join(target, 'package.json'));
  if (cli.version !== runtime.version) {
    throw new Error(
      `packages/cli/package.json is ${cli.version}, package.json is ${runtime.version}: bump both.`,
    );
  }
  for (const folder of ['bin', 'dist', 'templates'])
    rmSync(join(target, folder), { recursive: true, force: true });
  cpSync(join(root, 'bin'), join(target, 'bin'), { recursive: true });
  cpSync(join(root, 'templates'), join(target, 'templates'), { recursive: true });
  const files = distClosure([
    join(root, 'dist/cli/main.js'),
    join(root, 'dist/cli/main.d.ts'),
    // Started as a child process in the app by `pow user` (src/commands/user.ts), never imported.
    join(root, 'dist/commands/user-task.js'),
  ]);
  for (const file of files) {
    const to = join(target, relative(root, file));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(file, to);
  }
  return files.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`stage-cli: ${stageCli()} files of dist/ in packages/cli`);
}
