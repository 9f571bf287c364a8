/**
 * Re-running `pow install` after the project changed (issue 8): on a copy of the SQLite example app
 * (fixtures/express5-ts-esm-sqlite) installed once with the defaults, then edited the way a team
 * does, and installed again with one more sign-in field (`--user-id-field email --user-id-field
 * username`), which changes the schema, the controllers and the registration views.
 *
 * Every scenario starts from its own copy of the same installed project. The CLI runs in-process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyFixture, hashTree, runPow, type PowResult, type TempProject } from '../helpers/fixtures.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const SCHEMA = 'prisma/schema.prisma';
const MIGRATIONS = 'prisma/migrations';
const NEW_VIEW = 'views/pow/registration/new.ejs';
const EDIT_VIEW = 'views/pow/registration/edit.ejs';
const ENTRY = 'src/app.ts';
const USERNAME = ['--user-id-field', 'email', '--user-id-field', 'username'];
const PARAGRAPH = '      <p class="intro">Accounts are free for members of the club.</p>\n';

interface Project {
  dir: string;
  pow(args: string[], now?: string): Promise<PowResult>;
  read(path: string): string;
  write(path: string, text: string): void;
  exists(path: string): boolean;
  migrations(): string[];
}

function project(dir: string): Project {
  return {
    dir,
    pow: (args, now = '2026-02-01T00:00:00Z') => runPow([...args, '--cwd', dir], { env: { POW_NOW: now } }),
    read: (path) => readFileSync(join(dir, path), 'utf8'),
    write: (path, text) => writeFileSync(join(dir, path), text),
    exists: (path) => existsSync(join(dir, path)),
    migrations: () =>
      readdirSync(join(dir, MIGRATIONS), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort(),
  };
}

function ok(res: PowResult, code = 0): void {
  assert.equal(res.code, code, `exit ${res.code}\n${res.stdout}\n${res.stderr}`);
}

function lines(res: PowResult): string[] {
  return res.stdout.split('\n');
}

/** Adds the paragraph right after the page title. */
function addParagraph(text: string): string {
  const title = '<h1 id="pow-title"><%= pow.t(\'pages.registration.new.title\') %></h1>\n';
  assert.ok(text.includes(title), 'the registration page has its title line');
  return text.replace(title, `${title}${PARAGRAPH}`);
}

describe('re-running pow install after changes', () => {
  let installed: TempProject;
  const copies: string[] = [];

  /** A fresh copy of the project as the first install left it. */
  function fresh(): Project {
    const dir = mkdtempSync(join(tmpdir(), 'pow-regen-'));
    cpSync(installed.dir, dir, { recursive: true, verbatimSymlinks: true });
    copies.push(dir);
    return project(dir);
  }

  before(async () => {
    installed = copyFixture(FIXTURE);
    const res = await project(installed.dir).pow(['install', '--yes'], '2026-01-01T00:00:00Z');
    ok(res);
  });
  after(() => {
    installed?.cleanup();
    if (process.env.POW_KEEP_TMP !== '1')
      for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  test('(a) an edited view keeps its paragraph and gets the new username field', async () => {
    const p = fresh();
    p.write(NEW_VIEW, addParagraph(p.read(NEW_VIEW)));
    const res = await p.pow(['install', '--yes', ...USERNAME]);
    ok(res);
    assert.ok(
      lines(res).includes(`merge     ${NEW_VIEW} (modified by you; pow's changes merged in)`),
      res.stdout,
    );
    assert.ok(lines(res).includes(`update    ${EDIT_VIEW} (not edited by you; regenerated)`), res.stdout);
    const view = p.read(NEW_VIEW);
    assert.ok(view.includes(PARAGRAPH), 'the team paragraph is still there');
    assert.match(view, /<input id="username" name="username"/);
    assert.match(view, /const formFields = \['email', 'username', 'password', 'password_confirmation'\]/);
    assert.match(p.read(EDIT_VIEW), /<input id="username" name="username"/);
    assert.match(p.read(SCHEMA), /^\s+username\s+String\?\s+@unique/m);
    // The answers are stored: the next plain re-run keeps username.
    const again = await p.pow(['install', '--yes']);
    ok(again);
    assert.match(again.stdout, /Up to date: pow install has nothing to change/);
    assert.match(p.read(NEW_VIEW), /name="username"/);
  });

  test('(b) an edit on the lines pow changes: exit 3, the file untouched, the conflict named', async () => {
    const p = fresh();
    const edited = p
      .read(NEW_VIEW)
      .replace(
        "const formFields = ['email', 'password', 'password_confirmation'];",
        "const formFields = ['email', 'password', 'password_confirmation', 'terms'];",
      );
    assert.notEqual(edited, p.read(NEW_VIEW));
    p.write(NEW_VIEW, edited);
    const res = await p.pow(['install', '--yes', ...USERNAME]);
    ok(res, 3);
    assert.match(res.stdout, new RegExp(`^conflict  ${NEW_VIEW} \\(`, 'm'));
    assert.match(res.stdout, /<<<<<<< yours\n.*'terms'\]/);
    assert.match(res.stdout, />>>>>>> pow/);
    assert.match(res.stdout, /Conflicting files were left untouched\./);
    assert.equal(p.read(NEW_VIEW), edited, 'the conflicting file is untouched');
    // The rest of the plan is applied.
    assert.match(p.read(EDIT_VIEW), /name="username"/);

    // Still pending: status --check fails and names the file; a re-run conflicts again.
    const status = await p.pow(['status', '--check']);
    ok(status, 3);
    assert.match(status.stdout, new RegExp(`conflict +${NEW_VIEW}`));
    ok(await p.pow(['install', '--yes']), 3);

    // --merge-conflicts writes markers; resolving them by hand settles it.
    const marked = await p.pow(['install', '--yes', '--merge-conflicts']);
    ok(marked, 3);
    const withMarkers = p.read(NEW_VIEW);
    assert.match(withMarkers, /^<<<<<<< /m);
    const conflictState = await p.pow(['status', '--check', '--no-plan']);
    ok(conflictState, 3);
    assert.match(conflictState.stdout, new RegExp(`^  conflict +${NEW_VIEW} \\(owned, install\\)$`, 'm'));
    assert.match(conflictState.stdout, new RegExp(`${NEW_VIEW} still has conflict markers`));
    p.write(
      NEW_VIEW,
      withMarkers.replace(/^<<<<<<< .*\n[\s\S]*?^=======\n([\s\S]*?)^>>>>>>> .*\n/m, (_m, theirs: string) =>
        theirs.replace("'password_confirmation']", "'password_confirmation', 'terms']"),
      ),
    );
    assert.doesNotMatch(p.read(NEW_VIEW), /^(<<<<<<<|=======|>>>>>>>)/m);
    ok(await p.pow(['status', '--check']));
    const settled = await p.pow(['install', '--yes']);
    ok(settled);
    assert.match(settled.stdout, /Up to date/);
    assert.match(p.read(NEW_VIEW), /'username', 'password', 'password_confirmation', 'terms'\]/);
  });

  test('(c) a deleted generated file stays deleted', async () => {
    const p = fresh();
    rmSync(join(p.dir, EDIT_VIEW));
    const res = await p.pow(['install', '--yes', ...USERNAME]);
    ok(res);
    assert.ok(
      lines(res).includes(`skip      ${EDIT_VIEW} (deleted by you; not recreated (--force recreates it))`),
      res.stdout,
    );
    assert.equal(p.exists(EDIT_VIEW), false);
    ok(await p.pow(['install', '--yes']));
    assert.equal(p.exists(EDIT_VIEW), false, 'still deleted after another run');
    const status = await p.pow(['status', '--check']);
    ok(status, 0);
    assert.match(status.stdout, new RegExp(`^  missing +${EDIT_VIEW} \\(owned, install\\)$`, 'm'));
  });

  test('(d) a second re-run writes nothing', async () => {
    const p = fresh();
    p.write(NEW_VIEW, addParagraph(p.read(NEW_VIEW)));
    ok(await p.pow(['install', '--yes', ...USERNAME]));
    const hash = hashTree(p.dir);
    const again = await p.pow(['install', '--yes', ...USERNAME], '2026-03-01T00:00:00Z');
    ok(again);
    assert.match(again.stdout, /Up to date: pow install has nothing to change, no file was written\./);
    assert.doesNotMatch(again.stdout, /^(create|update|merge|delete|conflict) /m);
    assert.equal(hashTree(p.dir), hash);
  });

  test('(e) the schema change adds exactly one migration holding only the delta', async () => {
    const p = fresh();
    const [first] = p.migrations();
    assert.equal(p.migrations().length, 1);
    const res = await p.pow(['install', '--yes', ...USERNAME]);
    ok(res);
    const names = p.migrations();
    assert.equal(names.length, 2, names.join(', '));
    assert.equal(names[0], first);
    assert.equal(names[1], '20260201000000_pow_install');
    const sql = p.read(`${MIGRATIONS}/${names[1]}/migration.sql`);
    assert.match(sql, /ALTER TABLE "User" ADD COLUMN "username" TEXT;/);
    assert.match(sql, /CREATE UNIQUE INDEX "User_username_key" ON "User"\("username"\);/);
    assert.doesNotMatch(sql, /CREATE TABLE/, 'nothing of the first migration again');
    assert.doesNotMatch(sql, /DROP/);
    assert.match(res.stdout, /^schema: User\.username added$/m);
    // Re-runs after that add no migration.
    ok(await p.pow(['install', '--yes', ...USERNAME], '2026-04-01T00:00:00Z'));
    ok(await p.pow(['install', '--yes'], '2026-05-01T00:00:00Z'));
    assert.deepEqual(p.migrations(), names);
  });

  test('(h) --extension two-factor on an installed project: one migration with the delta, every team edit kept', async () => {
    const p = fresh();
    const SESSION = 'src/controllers/pow/session.ts';
    const ROUTES = 'src/routes/pow.ts';
    const CONFIG = 'src/pow/config.ts';
    const teamComment = '// Team: sign-in audited by security on 2026-01-15.\n';
    // The team edits every file the extension adds lines to, away from those lines.
    p.write(
      EDIT_VIEW,
      p
        .read(EDIT_VIEW)
        .replace(
          "<%- include('../layout-bottom') %>",
          `    <p class="team">Questions? Ask the club.</p>\n<%- include('../layout-bottom') %>`,
        ),
    );
    for (const file of [SESSION, ROUTES, CONFIG]) p.write(file, teamComment + p.read(file));
    const editedSchema = p.read(SCHEMA).replace(/^model User \{/m, '/// The club members.\nmodel User {');
    p.write(SCHEMA, editedSchema);
    const userModel = /model User \{[^}]*\}/.exec(editedSchema)![0];
    const before = p.migrations();

    const res = await p.pow(['install', '--yes', '--extension', 'two-factor']);
    ok(res);
    const names = p.migrations();
    assert.equal(names.length, before.length + 1, names.join(', '));
    const sql = p.read(`${MIGRATIONS}/${names.at(-1)}/migration.sql`);
    assert.match(sql, /CREATE TABLE "UserTwoFactor"/);
    assert.match(sql, /REFERENCES "UserCredential" \("userId"\) ON DELETE CASCADE/);
    assert.doesNotMatch(sql, /DROP|ALTER TABLE "User"|CREATE TABLE "User"|CREATE TABLE "UserCredential"/);
    assert.equal(
      /model User \{[^}]*\}/.exec(p.read(SCHEMA))![0],
      userModel,
      "the app's User model is untouched",
    );

    // Every team edit is kept; pow's lines are merged in around them.
    assert.match(p.read(EDIT_VIEW), /<p class="team">Questions\? Ask the club\.<\/p>/);
    assert.match(p.read(EDIT_VIEW), /pow\.path\('two_factor\.show'\)/);
    for (const file of [SESSION, ROUTES, CONFIG]) assert.ok(p.read(file).startsWith(teamComment), file);
    assert.match(p.read(SESSION), /result\.reason === 'two-factor'/);
    assert.match(p.read(ROUTES), /'\/two-factor\/challenge'/);
    assert.match(p.read(CONFIG), /encryptionKey: fromEnv\('POW_TWO_FACTOR_KEY'\)/);
    assert.match(p.read(SCHEMA), /^\/\/\/ The club members\.$/m);
    assert.ok(p.exists('src/controllers/pow/two-factor.ts'));
    assert.ok(p.exists('views/pow/two-factor/challenge.ejs'));
    assert.match(p.read('.env'), /^POW_TWO_FACTOR_KEY=[\w-]{64}$/m);
    assert.doesNotMatch(res.stdout, /^conflict /m);

    // A second run writes nothing and adds no migration.
    const again = await p.pow(['install', '--yes'], '2026-03-01T00:00:00Z');
    ok(again);
    assert.match(again.stdout, /Up to date: pow install has nothing to change/);
    assert.deepEqual(p.migrations(), names);
  });

  test('(i) --extension passkeys on a project with two-factor: the second step gains "Use a passkey", team edits kept', async () => {
    const p = fresh();
    const CONTROLLER = 'src/controllers/pow/two-factor.ts';
    const CHALLENGE = 'views/pow/two-factor/challenge.ejs';
    const SHOW = 'views/pow/two-factor/show.ejs';
    const ROUTES = 'src/routes/pow.ts';
    ok(await p.pow(['install', '--yes', '--extension', 'two-factor'], '2026-02-01T00:00:00Z'));
    assert.doesNotMatch(
      p.read(CHALLENGE),
      /data-passkey/,
      'no passkey button without the passkeys extension',
    );
    assert.doesNotMatch(p.read(ROUTES), /passkey-options/);
    assert.match(
      p.read(SHOW),
      /pow\.path\('two_factor\.recovery_codes'\)/,
      'new recovery codes come with two-factor',
    );
    // The team edits the files the passkeys extension adds lines to, away from those lines.
    const teamComment = '// Team: reviewed by security on 2026-02-10.\n';
    for (const file of [CONTROLLER, ROUTES]) p.write(file, teamComment + p.read(file));
    const teamNote = '<%# Team: the support desk links here. -%>\n';
    p.write(CHALLENGE, teamNote + p.read(CHALLENGE));

    const res = await p.pow(['install', '--yes', '--extension', 'passkeys'], '2026-03-01T00:00:00Z');
    ok(res);
    assert.doesNotMatch(res.stdout, /^conflict /m);
    for (const file of [CONTROLLER, ROUTES]) {
      assert.ok(p.read(file).startsWith(teamComment), file);
      assert.ok(
        lines(res).includes(`merge     ${file} (modified by you; pow's changes merged in)`),
        res.stdout,
      );
    }
    assert.ok(p.read(CHALLENGE).startsWith(teamNote));
    assert.match(p.read(CONTROLLER), /auth\.twoFactorPasskeyOptions\(req\)/);
    assert.match(p.read(CONTROLLER), /passkey: pending\.passkey/);
    assert.match(p.read(ROUTES), /'\/two-factor\/passkey-options'/);
    assert.match(p.read(CHALLENGE), /data-options-url="<%= pow\.path\('two_factor\.passkey_options'\) %>"/);
    // A second run writes nothing.
    const again = await p.pow(['install', '--yes'], '2026-04-01T00:00:00Z');
    ok(again);
    assert.match(again.stdout, /Up to date: pow install has nothing to change/);
  });

  test('(f) a removed app.use(...) patch is reported and not re-added', async () => {
    const p = fresh();
    const entry = p.read(ENTRY);
    assert.match(entry, /^app\.use\(powRoutes\);\n/m);
    const withoutRoutes = entry.replace(/^app\.use\(powRoutes\);\n/m, '');
    p.write(ENTRY, withoutRoutes);
    const res = await p.pow(['install', '--yes', ...USERNAME]);
    ok(res);
    assert.match(
      res.stdout,
      /^skip {6}src\/app\.ts \(entry:use-pow-routes: removed since pow added it; not re-added/m,
    );
    assert.equal(p.read(ENTRY), withoutRoutes, 'the entry is left as the team made it');
    ok(await p.pow(['install', '--yes']));
    assert.equal(p.read(ENTRY), withoutRoutes, 'and stays so on later runs');
    const status = await p.pow(['status']);
    ok(status);
    assert.match(
      status.stdout,
      /^ {2}removed +entry:use-pow-routes in src\/app\.ts \(removed since pow added it/m,
    );
    assert.match(status.stdout, /^ {2}applied +entry:use-pow-middleware in src\/app\.ts$/m);
  });

  test('(g) --force overwrites an edited file and shows the diff first', async () => {
    const p = fresh();
    const edited = p
      .read(NEW_VIEW)
      .replace(
        "const formFields = ['email', 'password', 'password_confirmation'];",
        "const formFields = ['email', 'password', 'password_confirmation', 'terms'];",
      );
    p.write(NEW_VIEW, addParagraph(edited));
    const res = await p.pow(['install', '--yes', '--force', ...USERNAME]);
    ok(res);
    assert.match(
      res.stdout,
      new RegExp(`^update {4}${NEW_VIEW} \\(modified by you; overwritten \\(--force\\)\\)$`, 'm'),
    );
    // The diff is printed under the action line: the team's lines go, pow's come.
    assert.match(res.stdout, new RegExp(`^ {4}--- a/${NEW_VIEW}$`, 'm'));
    assert.match(res.stdout, /^ {4}-.*'terms'\]/m);
    assert.match(res.stdout, /^ {4}- {6}<p class="intro">/m);
    assert.match(res.stdout, /^ {4}\+.*'email', 'username', 'password', 'password_confirmation'\]/m);
    const view = p.read(NEW_VIEW);
    assert.doesNotMatch(view, /intro|terms/);
    assert.match(view, /name="username"/);
    ok(await p.pow(['status', '--check', '--strict']), 0);
  });

  test('files no longer generated (--no-registration): deleted when untouched, kept when edited', async () => {
    const p = fresh();
    p.write(NEW_VIEW, addParagraph(p.read(NEW_VIEW)));
    const res = await p.pow(['install', '--yes', '--no-registration']);
    ok(res);
    assert.ok(lines(res).includes(`delete    ${EDIT_VIEW} (no longer generated)`), res.stdout);
    assert.ok(
      lines(res).includes('delete    src/controllers/pow/registration.ts (no longer generated)'),
      res.stdout,
    );
    assert.ok(
      lines(res).includes(
        `skip      ${NEW_VIEW} (no longer generated; kept because you modified it (no longer tracked))`,
      ),
      res.stdout,
    );
    assert.equal(p.exists(EDIT_VIEW), false);
    assert.ok(p.read(NEW_VIEW).includes(PARAGRAPH));
    const manifest = JSON.parse(p.read('.pow/manifest.json')) as { files: Record<string, unknown> };
    assert.equal(manifest.files[NEW_VIEW], undefined, 'no longer tracked');
    assert.deepEqual(p.migrations().length, 1, 'no migration');
    ok(await p.pow(['status', '--check']));
  });

  test('--registration turns an earlier --no-registration back on: the files follow, the manifest keeps it', async () => {
    const p = fresh();
    ok(await p.pow(['install', '--yes', '--no-registration']));
    assert.equal(p.exists(EDIT_VIEW), false);
    const optionsOf = () =>
      (JSON.parse(p.read('.pow/manifest.json')) as { options: { install: { registration: boolean } } })
        .options.install;
    assert.equal(optionsOf().registration, false);
    // A re-run without the flag keeps the stored answer.
    ok(await p.pow(['install', '--yes']));
    assert.equal(p.exists(EDIT_VIEW), false);
    const res = await p.pow(['install', '--yes', '--registration']);
    ok(res);
    assert.equal(optionsOf().registration, true);
    assert.ok(p.exists(EDIT_VIEW), res.stdout);
    assert.ok(p.exists('src/controllers/pow/registration.ts'), res.stdout);
    assert.deepEqual(p.migrations().length, 1, 'no migration');
    ok(await p.pow(['status', '--check']));
  });

  test('removing a sign-in field from the options drops nothing from the schema or the database', async () => {
    const p = fresh();
    ok(await p.pow(['install', '--yes', ...USERNAME]));
    const schema = p.read(SCHEMA);
    const names = p.migrations();
    const res = await p.pow(['install', '--yes', '--user-id-field', 'email'], '2026-06-01T00:00:00Z');
    ok(res);
    assert.deepEqual(p.migrations(), names, 'no new migration');
    for (const name of p.migrations())
      assert.doesNotMatch(p.read(`${MIGRATIONS}/${name}/migration.sql`), /DROP/);
    assert.equal(p.read(SCHEMA), schema, 'the username column stays in the schema');
    // The generated code follows the options again.
    assert.doesNotMatch(p.read(NEW_VIEW), /name="username"/);
    assert.match(p.read(NEW_VIEW), /const formFields = \['email', 'password', 'password_confirmation'\]/);
    const stored = JSON.parse(p.read('.pow/manifest.json')) as {
      options: { install: { userIdFields: string[] } };
    };
    assert.deepEqual(stored.options.install.userIdFields, ['email']);
  });
});
