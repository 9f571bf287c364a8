/**
 * Upgrading pow itself (issue 8): a newer pow ships changed templates. Simulated by pointing the
 * install recipe at a copy of pow's templates folder with the submit buttons restyled (the
 * engine's `templatesDir`), on the SQLite example app installed with the current templates.
 * Untouched files get the new template, edited files get it merged, a clash is a conflict, and
 * `pow status` sees the pending upgrade before it is applied.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replanInstall, pendingFiles } from '../../src/commands/status.js';
import { POW_TEMPLATES_DIR, readManifest } from '../../src/generate/index.js';
import { inspectProject } from '../../src/inspect/inspect-project.js';
import {
  DEFAULT_INSTALL_OPTIONS,
  previousInstallOptions,
  runInstall,
  type InstallResult,
} from '../../src/recipes/install.js';
import { copyFixture, runPow, type TempProject } from '../helpers/fixtures.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const SESSION_VIEW = 'views/pow/session/new.ejs';
const NEW_VIEW = 'views/pow/registration/new.ejs';
const EDIT_VIEW = 'views/pow/registration/edit.ejs';
const OLD_BUTTON = 'class="pow-button"';
const NEW_BUTTON = 'class="pow-button pow-button-primary"';
const PARAGRAPH = '      <p class="intro">Accounts are free for members of the club.</p>\n';
const NEXT_VERSION = '0.2.0';

/** pow's templates folder with every submit button restyled: the "next release". */
function nextTemplates(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pow-templates-next-'));
  cpSync(POW_TEMPLATES_DIR, dir, { recursive: true });
  for (const id of [
    'views/__namespace__/pow/session/new.ejs.ejs',
    'views/__namespace__/pow/registration/new.ejs.ejs',
    'views/__namespace__/pow/registration/edit.ejs.ejs',
  ]) {
    const file = join(dir, id);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.includes(`<button type="submit" ${OLD_BUTTON}>`), id);
    writeFileSync(
      file,
      text.replace(`<button type="submit" ${OLD_BUTTON}>`, `<button type="submit" ${NEW_BUTTON}>`),
    );
  }
  return dir;
}

/** `pow install --yes` with the stored answers, as the next pow version with its templates. */
async function upgrade(root: string, templatesDir: string, flags = {}): Promise<InstallResult> {
  const options = { ...DEFAULT_INSTALL_OPTIONS, ...previousInstallOptions(readManifest(root)) };
  const project = await inspectProject(root, { userModel: options.userModel });
  return runInstall({
    root,
    project,
    options,
    powVersion: NEXT_VERSION,
    now: () => new Date('2026-06-01T00:00:00Z'),
    templatesDir,
    flags,
  });
}

describe('upgrading pow: changed templates reach the project', () => {
  let templates: string;
  let installed: TempProject;
  const copies: string[] = [];
  const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');
  const write = (dir: string, path: string, text: string) => writeFileSync(join(dir, path), text);

  function fresh(): string {
    const dir = mkdtempSync(join(tmpdir(), 'pow-upgrade-'));
    cpSync(installed.dir, dir, { recursive: true, verbatimSymlinks: true });
    copies.push(dir);
    return dir;
  }

  before(async () => {
    templates = nextTemplates();
    installed = copyFixture(FIXTURE);
    const res = await runPow(['install', '--yes', '--cwd', installed.dir], {
      env: { POW_NOW: '2026-01-01T00:00:00Z' },
    });
    assert.equal(res.code, 0, res.stdout + res.stderr);
  });
  after(() => {
    installed?.cleanup();
    if (process.env.POW_KEEP_TMP === '1') return;
    rmSync(templates, { recursive: true, force: true });
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  test('untouched files get the new template, edited files get it merged, nothing else changes', async () => {
    const dir = fresh();
    write(dir, NEW_VIEW, read(dir, NEW_VIEW).replace('</h1>\n', `</h1>\n${PARAGRAPH}`));
    const manifest = readManifest(dir)!;

    // Before upgrading: the re-plan with the new templates shows what is pending.
    const pending = await replanInstall(dir, manifest, { powVersion: NEXT_VERSION, templatesDir: templates });
    assert.deepEqual(
      pendingFiles(pending.plan).map((f) => [f.path, f.decision]),
      [
        [EDIT_VIEW, 'update'],
        [NEW_VIEW, 'merge'],
        [SESSION_VIEW, 'update'],
      ],
    );
    assert.equal(pending.migration, null);
    // With the current templates, nothing is pending.
    const current = await replanInstall(dir, manifest, { powVersion: '0.1.0' });
    assert.deepEqual(pendingFiles(current.plan), []);

    const outcome = await upgrade(dir, templates);
    assert.equal(outcome.result.exitCode, 0);
    assert.equal(outcome.migration, null, 'a template change needs no migration');
    for (const path of [SESSION_VIEW, EDIT_VIEW]) {
      assert.ok(read(dir, path).includes(NEW_BUTTON), path);
      assert.ok(!read(dir, path).includes(`<button type="submit" ${OLD_BUTTON}>`), path);
    }
    const merged = read(dir, NEW_VIEW);
    assert.ok(merged.includes(PARAGRAPH), 'the team paragraph stays');
    assert.ok(merged.includes(NEW_BUTTON), "pow's change is merged in");
    assert.equal(readManifest(dir)!.pow, NEXT_VERSION);

    // Upgraded: nothing pending for that version; a second upgrade run is a no-op.
    const after = await replanInstall(dir, readManifest(dir)!, {
      powVersion: NEXT_VERSION,
      templatesDir: templates,
    });
    assert.deepEqual(pendingFiles(after.plan), []);
    const again = await upgrade(dir, templates);
    assert.deepEqual(again.result.applied?.written ?? [], []);
    // The edit is still the team's: it shows in status as modified, not as drift.
    const status = await runPow(['status', '--check', '--no-plan', '--cwd', dir]);
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, new RegExp(`^ {2}modified +${NEW_VIEW} `, 'm'));
  });

  test('a team edit on the line the new template changes is a conflict; the file is left as it is', async () => {
    const dir = fresh();
    const mine = read(dir, SESSION_VIEW).replace(
      `<button type="submit" ${OLD_BUTTON}>`,
      '<button type="submit" class="pow-button btn-club">',
    );
    write(dir, SESSION_VIEW, mine);
    const outcome = await upgrade(dir, templates);
    assert.equal(outcome.result.exitCode, 3);
    const file = outcome.result.plan.files.find((f) => f.path === SESSION_VIEW)!;
    assert.equal(file.decision, 'conflict');
    assert.equal(read(dir, SESSION_VIEW), mine);
    assert.ok(read(dir, EDIT_VIEW).includes(NEW_BUTTON), 'the rest is upgraded');
  });
});
