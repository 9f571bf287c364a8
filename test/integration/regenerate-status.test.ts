/**
 * `pow status` and `pow diff` (issue 8): file states from the manifest, patches, the dry-run re-plan
 * of `pow install`, `--check` for CI, and the diffs a re-run would apply. In-process CLI on copies
 * of the SQLite example app installed once; one synthetic generator for managed files.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../src/generate/index.js';
import {
  copyFixture,
  hashTree,
  runPow,
  writeTempProject,
  type PowResult,
  type TempProject,
} from '../helpers/fixtures.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const SCHEMA = 'prisma/schema.prisma';
const NEW_VIEW = 'views/pow/registration/new.ejs';
const EDIT_VIEW = 'views/pow/registration/edit.ejs';
const PARAGRAPH = '      <p class="intro">Accounts are free for members of the club.</p>\n';

interface Project {
  dir: string;
  pow(args: string[], now?: string): Promise<PowResult>;
  read(path: string): string;
  write(path: string, text: string): void;
}

function project(dir: string): Project {
  return {
    dir,
    pow: (args, now = '2026-02-01T00:00:00Z') => runPow([...args, '--cwd', dir], { env: { POW_NOW: now } }),
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    write: (path, text) => writeFileSync(join(dir, path), text),
  };
}

function ok(res: PowResult, code = 0): void {
  assert.equal(res.code, code, `exit ${res.code}\n${res.stdout}\n${res.stderr}`);
}

interface StatusJson {
  tracked: boolean;
  files: { path: string; ownership: string; state: string }[];
  patches: { id: string; file: string; state: string; why?: string }[];
  reruns: {
    generator: string;
    pending: boolean;
    migration: string | null;
    files: { path: string; action: string }[];
  }[];
  planned: boolean;
  drift: boolean;
  reasons: string[];
}

function addParagraph(text: string): string {
  const title = '<h1 id="pow-title"><%= pow.t(\'pages.registration.new.title\') %></h1>\n';
  assert.ok(text.includes(title));
  return text.replace(title, `${title}${PARAGRAPH}`);
}

describe('pow status and pow diff', () => {
  let installed: TempProject;
  const copies: string[] = [];

  function fresh(): Project {
    const dir = mkdtempSync(join(tmpdir(), 'pow-status-'));
    cpSync(installed.dir, dir, { recursive: true, verbatimSymlinks: true });
    copies.push(dir);
    return project(dir);
  }

  before(async () => {
    installed = copyFixture(FIXTURE);
    ok(
      await project(installed.dir).pow(
        ['install', '--yes', '--user-id-field', 'email,username'],
        '2026-01-01T00:00:00Z',
      ),
    );
  });
  after(() => {
    installed?.cleanup();
    if (process.env.POW_KEEP_TMP !== '1')
      for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  test('a project pow never wrote to: nothing tracked, no drift', async () => {
    const tmp = writeTempProject({ 'package.json': '{ "name": "plain" }\n' });
    try {
      const p = project(tmp.dir);
      const status = await p.pow(['status', '--check']);
      ok(status);
      assert.match(status.stdout, /No \.pow\/manifest\.json: pow has not generated anything/);
      const json = JSON.parse((await p.pow(['status', '--json'])).stdout) as StatusJson;
      assert.equal(json.tracked, false);
      assert.equal(json.drift, false);
      const diff = await p.pow(['diff']);
      ok(diff);
      assert.match(diff.stdout, /pow has not generated anything in this project yet/);
    } finally {
      tmp.cleanup();
    }
  });

  test('right after install: every file pristine, re-run up to date, --check passes; writes nothing', async () => {
    const p = fresh();
    const hash = hashTree(p.dir);
    const status = await p.pow(['status', '--check']);
    ok(status);
    assert.match(status.stdout, /^ {2}pristine +src\/pow\/config\.ts \(owned, install\)$/m);
    assert.match(status.stdout, /^ {2}pristine +prisma\/schema\.prisma \(patched, install\)$/m);
    assert.match(status.stdout, /^ {2}applied +entry:use-pow-middleware in src\/app\.ts$/m);
    assert.match(status.stdout, /^Re-run of pow install: up to date \(it would change no file\)\.$/m);
    assert.match(status.stdout, /^No drift: `pow status --check` passes\.$/m);
    const diff = await p.pow(['diff']);
    ok(diff);
    assert.equal(diff.stdout, 'No changes: a re-run of pow install would change nothing.\n');
    assert.equal(hashTree(p.dir), hash, 'status and diff write nothing');
  });

  test('a User.passwordHash column left by an earlier pow: a Security note with the command to drop it', async () => {
    const p = fresh();
    const schema = p.read(SCHEMA);
    const email = /\n {2}email +String +@unique\n/.exec(schema);
    assert.ok(email, schema);
    p.write(SCHEMA, schema.replace(email[0], `${email[0]}  passwordHash String?\n`));
    const status = await p.pow(['status']);
    ok(status);
    assert.match(
      status.stdout,
      /\nSecurity:\n {2}- User\.passwordHash is no longer used by pow: password hashes live in UserCredential .*npx prisma migrate dev --name drop_user_password_hash/,
    );
    const json = JSON.parse((await p.pow(['status', '--json'])).stdout) as {
      reruns: { security: string[] }[];
    };
    assert.equal(json.reruns[0]!.security.length, 1);
    // Once the column is gone, so is the note.
    p.write(SCHEMA, schema);
    assert.doesNotMatch((await p.pow(['status'])).stdout, /Security:/);
  });

  test('team edits to owned files are shown but are not drift (unless --strict)', async () => {
    const p = fresh();
    p.write(NEW_VIEW, addParagraph(p.read(NEW_VIEW)));
    rmSync(join(p.dir, EDIT_VIEW));
    const status = await p.pow(['status', '--check']);
    ok(status);
    assert.match(status.stdout, new RegExp(`^ {2}modified +${NEW_VIEW} \\(owned, install\\)$`, 'm'));
    assert.match(status.stdout, new RegExp(`^ {2}missing +${EDIT_VIEW} \\(owned, install\\)$`, 'm'));
    assert.match(status.stdout, /, 1 modified, 1 missing$/m);

    const strict = await p.pow(['status', '--check', '--strict']);
    ok(strict, 3);
    assert.match(strict.stdout, new RegExp(`^ {2}- ${NEW_VIEW} is edited \\(owned by pow\\)$`, 'm'));
    assert.match(strict.stdout, new RegExp(`^ {2}- ${EDIT_VIEW} is deleted \\(owned by pow\\)$`, 'm'));

    // pow diff --edits shows the team's side: the paragraph, and the deleted file by name.
    const edits = await p.pow(['diff', '--edits']);
    ok(edits);
    assert.match(edits.stdout, new RegExp(`^edited +${NEW_VIEW} \\(owned\\)$`, 'm'));
    assert.ok(edits.stdout.includes(`    +${PARAGRAPH}`), edits.stdout);
    assert.match(edits.stdout, new RegExp(`^deleted +${EDIT_VIEW} \\(owned\\)$`, 'm'));
    assert.match(edits.stdout, /^2 files edited or deleted since pow wrote them\.$/m);
    const one = await p.pow(['diff', '--edits', 'src']);
    assert.match(one.stdout, /^No edits under src: as pow wrote it/m);
  });

  test('a schema change that changes generated code: re-run pending, --check exits 3, diff shows it', async () => {
    const p = fresh();
    // The team makes username required: the registration form must mark it required.
    const schema = p.read(SCHEMA);
    const required = schema.replace(/^(\s+username\s+)String\?(\s+@unique)/m, '$1String $2');
    assert.notEqual(required, schema);
    p.write(SCHEMA, required);
    p.write(NEW_VIEW, addParagraph(p.read(NEW_VIEW)));

    const status = await p.pow(['status', '--check']);
    ok(status, 3);
    assert.match(
      status.stdout,
      /^Re-run of pow install: would change \d+ files? \(`pow diff` shows how, `pow install` applies\):$/m,
    );
    assert.match(
      status.stdout,
      new RegExp(`^ {2}merge +${NEW_VIEW} \\(modified by you; pow's changes merged in\\)$`, 'm'),
    );
    assert.match(
      status.stdout,
      new RegExp(`^ {2}update +${EDIT_VIEW} \\(not edited by you; regenerated\\)$`, 'm'),
    );
    assert.match(status.stdout, /^ {2}- pow install is pending: it would change \d+ files?$/m);
    const json = JSON.parse((await p.pow(['status', '--check', '--json'])).stdout) as StatusJson;
    assert.equal(json.drift, true);
    assert.equal(json.reruns[0]!.pending, true);
    assert.equal(json.reruns[0]!.migration, null, 'the team changed the schema: no pow migration');
    assert.ok(json.reruns[0]!.files.some((f) => f.path === NEW_VIEW && f.action === 'merge'));

    // pow diff: only the changes, as unified diffs against the disk; limited to one path on request.
    const diff = await p.pow(['diff']);
    ok(diff);
    assert.match(diff.stdout, new RegExp(`^merge +${NEW_VIEW} \\(`, 'm'));
    assert.match(diff.stdout, new RegExp(`^ {4}--- a/${NEW_VIEW}$`, 'm'));
    assert.match(diff.stdout, /^ {4}\+.*<input id="username" name="username".* required value=/m);
    assert.doesNotMatch(diff.stdout, /^identical /m);
    assert.match(
      diff.stdout,
      /^\d+ files? would change; run `pow install` to apply \(nothing was written\)\.$/m,
    );
    const one = await p.pow(['diff', EDIT_VIEW]);
    ok(one);
    assert.match(one.stdout, new RegExp(`^update +${EDIT_VIEW} `, 'm'));
    assert.doesNotMatch(one.stdout, new RegExp(NEW_VIEW));
    assert.match(one.stdout, /^1 file would change;/m);
    const folder = await p.pow(['diff', './views/pow/']);
    assert.match(folder.stdout, new RegExp(`^merge +${NEW_VIEW} `, 'm'));
    const diffJson = JSON.parse((await p.pow(['diff', '--json', NEW_VIEW])).stdout) as {
      files: { path: string; action: string; diff: string }[];
    };
    assert.deepEqual(
      diffJson.files.map((f) => [f.path, f.action]),
      [[NEW_VIEW, 'merge']],
    );
    assert.match(diffJson.files[0]!.diff, /required value=/);
    const unknown = await p.pow(['diff', 'src/nothing-here.ts']);
    ok(unknown);
    assert.match(
      unknown.stdout,
      /^pow neither wrote src\/nothing-here\.ts nor would write it: nothing to show\.$/m,
    );

    // Applying the re-run settles it; the team's paragraph survives.
    ok(await p.pow(['install', '--yes']));
    ok(await p.pow(['status', '--check']));
    assert.ok(p.read(NEW_VIEW).includes(PARAGRAPH));
    assert.match(p.read(NEW_VIEW), /name="username".* required value=/);
  });

  test('stored options the code does not reflect yet: the pending re-run names its migration', async () => {
    const p = fresh();
    const manifest = JSON.parse(p.read('.pow/manifest.json')) as {
      options: { install: { extensions: string[] } };
    };
    manifest.options.install.extensions = ['email-confirmation'];
    p.write('.pow/manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
    const status = await p.pow(['status', '--check'], '2026-03-01T00:00:00Z');
    ok(status, 3);
    assert.match(
      status.stdout,
      /^ {2}- pow install is pending: it would change \d+ files \(including the migration prisma\/migrations\/20260301000000_pow_install\/migration\.sql\)$/m,
    );
    assert.match(
      status.stdout,
      /^ {2}create +prisma\/migrations\/20260301000000_pow_install\/migration\.sql \(new file\)$/m,
    );
  });

  test('when the re-run cannot be planned: a warning, but --check fails with the error', async () => {
    const p = fresh();
    rmSync(join(p.dir, SCHEMA));
    const status = await p.pow(['status']);
    ok(status);
    assert.match(status.stdout, new RegExp(`^ {2}missing +${SCHEMA} \\(patched, install\\)$`, 'm'));
    assert.match(status.stderr, /^warning: could not plan a re-run: /m);
    const json = JSON.parse((await p.pow(['status', '--json'])).stdout) as StatusJson & {
      planError: { code: string } | null;
    };
    assert.equal(json.planned, false);
    assert.equal(typeof json.planError?.code, 'string');
    const check = await p.pow(['status', '--check']);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    assert.match(check.stderr, /^error: /m);
  });

  test('--no-plan compares files only', async () => {
    const p = fresh();
    const schema = p.read(SCHEMA);
    p.write(SCHEMA, schema.replace(/^(\s+username\s+)String\?(\s+@unique)/m, '$1String $2'));
    const status = await p.pow(['status', '--check', '--no-plan']);
    ok(status);
    assert.match(status.stdout, /^Re-run not planned \(--no-plan\)\.$/m);
    assert.doesNotMatch(status.stdout, /Re-run of pow install/);
    const json = JSON.parse((await p.pow(['status', '--json', '--no-plan'])).stdout) as StatusJson;
    assert.equal(json.planned, false);
    assert.deepEqual(json.reruns, []);
  });

  test('managed files: an edit or a deletion is drift; conflict markers too', async () => {
    const tmp = writeTempProject({ 'package.json': '{ "name": "managed" }\n' });
    try {
      const recipe = (fields: string[]) => async (ctx: Parameters<Parameters<typeof generate>[1]>[0]) => {
        ctx.write('src/pow/fields.ts', `export const fields = ${JSON.stringify(fields)};\n`, {
          ownership: 'managed',
          origin: 'test:fields',
        });
        ctx.write('src/pow/notes.md', 'Notes\n', { ownership: 'owned', origin: 'test:notes' });
      };
      const options = {
        root: tmp.dir,
        generator: 'gen.test',
        powVersion: '0.1.0',
        options: { fields: ['email'] },
      };
      await generate(options, recipe(['email']));
      const p = project(tmp.dir);
      const clean = await p.pow(['status', '--check']);
      ok(clean);
      assert.match(
        clean.stdout,
        /^Generator "gen\.test": this pow cannot re-plan it; run it again to check\.$/m,
      );

      p.write('src/pow/notes.md', 'Notes\nmore\n');
      ok(await p.pow(['status', '--check']), 0);
      p.write('src/pow/fields.ts', 'export const fields = ["email", "nickname"];\n');
      const edited = await p.pow(['status', '--check']);
      ok(edited, 3);
      assert.match(edited.stdout, /^ {2}- src\/pow\/fields\.ts is edited \(managed by pow\)$/m);
      rmSync(join(tmp.dir, 'src/pow/fields.ts'));
      const deleted = await p.pow(['status', '--check', '--json']);
      ok(deleted, 3);
      assert.deepEqual((JSON.parse(deleted.stdout) as StatusJson).reasons, [
        'src/pow/fields.ts is deleted (managed by pow)',
      ]);

      // A clashing regeneration with --merge-conflicts leaves markers: drift until resolved.
      p.write('src/pow/fields.ts', 'export const fields = ["email", "nickname"];\n');
      await generate({ ...options, flags: { mergeConflicts: true } }, recipe(['email', 'username']));
      assert.match(p.read('src/pow/fields.ts'), /^<<<<<<< /m);
      const conflict = await p.pow(['status', '--check']);
      ok(conflict, 3);
      assert.match(conflict.stdout, /^ {2}conflict +src\/pow\/fields\.ts \(managed, gen\.test\)$/m);
      assert.match(conflict.stdout, /^ {2}- src\/pow\/fields\.ts still has conflict markers$/m);
    } finally {
      tmp.cleanup();
    }
  });
});
