/**
 * The CI loop with the built CLI (bin/pow.js → dist/, as a real child process): after an install,
 * `pow status --check` passes; a schema change that changes generated code makes it exit 3 and
 * `pow diff` shows the change; `pow install` applies it and `--check` passes again. A team edit of
 * a generated page never fails the check. Needs `npm run build` (npm test builds first).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, REPO_ROOT } from '../helpers/fixtures.js';

const BIN = join(REPO_ROOT, 'bin/pow.js');
const built = existsSync(join(REPO_ROOT, 'dist/commands/status.js'));
const skip = built ? false : 'dist/ has no pow status (npm run build)';
const NEW_VIEW = 'views/pow/registration/new.ejs';

test('pow status --check and pow diff through bin/pow.js', { skip }, (t) => {
  const project = copyFixture('express5-ts-esm-sqlite');
  t.after(() => project.cleanup());
  const pow = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, ...args, '--cwd', project.dir], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', DEBUG: '', CI: 'true', POW_NOW: '2026-01-01T00:00:00Z' },
    });
  const read = (path: string) => readFileSync(join(project.dir, path), 'utf8');
  const write = (path: string, text: string) => writeFileSync(join(project.dir, path), text);

  const install = pow('install', '--yes', '--user-id-field', 'email,username');
  assert.equal(install.status, 0, install.stdout + install.stderr);
  const clean = pow('status', '--check');
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /No drift/);

  // A team edit of a generated page: shown, not drift.
  write(NEW_VIEW, read(NEW_VIEW).replace('</h1>\n', '</h1>\n      <p class="intro">Welcome!</p>\n'));
  const edited = pow('status', '--check');
  assert.equal(edited.status, 0, edited.stdout);
  assert.match(edited.stdout, new RegExp(`modified +${NEW_VIEW}`));

  // The team makes username required: the generated forms are out of date.
  write('prisma/schema.prisma', read('prisma/schema.prisma').replace(/(username\s+)String\?/, '$1String '));
  const pending = pow('status', '--check');
  assert.equal(pending.status, 3, pending.stdout + pending.stderr);
  assert.match(pending.stdout, /- pow install is pending: it would change/);
  const diff = pow('diff', NEW_VIEW);
  assert.equal(diff.status, 0, diff.stderr);
  assert.match(diff.stdout, new RegExp(`^merge +${NEW_VIEW} `, 'm'));
  assert.match(diff.stdout, /^ {4}\+.*name="username".* required value=/m);
  const json = pow('status', '--json');
  assert.equal(json.status, 0, 'without --check, drift does not change the exit code');
  assert.equal((JSON.parse(json.stdout) as { drift: boolean }).drift, true);

  const apply = pow('install', '--yes');
  assert.equal(apply.status, 0, apply.stdout + apply.stderr);
  const after = pow('status', '--check');
  assert.equal(after.status, 0, after.stdout);
  assert.match(read(NEW_VIEW), /Welcome!/);
});
