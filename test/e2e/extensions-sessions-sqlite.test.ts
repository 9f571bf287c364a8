/**
 * `pow install --extension sessions`, then `--extension security-log`, then `--extension passkeys`,
 * on a project that already has pow (SQLite example app): the team's edits survive, each
 * extension's routes, controller, views, nav link and styles are added; sessions write no
 * migration (they live in the session store), security-log and passkeys exactly one each (their
 * table, nothing else); a second run changes nothing, and the app type-checks under its own strict
 * tsconfig.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { e2eProject, prismaGenerate, typecheck } from '../helpers/e2e-project.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const MIGRATIONS = 'prisma/migrations';
const ROUTES = 'src/routes/pow.ts';
const LAYOUT = 'views/pow/layout-top.ejs';
const REGISTRATION_VIEW = 'views/pow/registration/edit.ejs';
const SIGN_IN_VIEW = 'views/pow/session/new.ejs';
const TEAM_NOTE = '      <p class="team-note">Staff: use your company account.</p>\n';
const TEAM_ROUTE = "powRoutes.get('/team-route', (_req, res) => {\n  res.send('team');\n});\n";

test(`install --extension sessions, then security-log and passkeys, later on ${FIXTURE}: delta only, team edits kept`, async (t) => {
  const project = await e2eProject(FIXTURE, 'sqlite');
  t.after(() => project.dispose());
  const migrations = () =>
    existsSync(join(project.dir, MIGRATIONS)) ? readdirSync(join(project.dir, MIGRATIONS)) : [];

  const first = await project.pow(['install', '--yes', '--extension', 'persistent-session']);
  assert.equal(first.code, 0, first.stderr);
  const before = migrations();
  project.write(ROUTES, project.read(ROUTES) + '\n' + TEAM_ROUTE);
  project.write(LAYOUT, project.read(LAYOUT).replace('<body class="pow"', '<body class="pow team-body"'));
  project.write(
    REGISTRATION_VIEW,
    project.read(REGISTRATION_VIEW).replace('<h1 id="pow-title">', '<h1 id="pow-title" class="team">'),
  );
  const edited = project.read(REGISTRATION_VIEW);

  const args = ['install', '--yes', '--extension', 'sessions'];
  const added = await project.pow(args);
  assert.equal(added.code, 0, added.stderr + added.stdout);
  assert.deepEqual(migrations(), before, 'no migration: the sessions page needs no column');
  assert.match(added.stdout, /extension sessions: no schema change/);
  assert.match(project.read('src/pow/config.ts'), /extensions: \['persistent-session', 'sessions'\]/);

  const routes = project.read(ROUTES);
  assert.ok(routes.includes(TEAM_ROUTE), "the team's route stays");
  assert.match(routes, /auth\.page\('sessions', 'index'\)/);
  assert.match(routes, /auth\.page\('sessions', 'delete_others'\)/);
  const layout = project.read(LAYOUT);
  assert.match(layout, /<body class="pow team-body"/, "the team's layout edit stays");
  assert.match(
    project.read(LAYOUT.replace('layout-top.ejs', 'menu.ejs')),
    /pow\.path\('sessions\.index'\)/,
    'the menu links to the sessions page',
  );
  assert.equal(project.read(REGISTRATION_VIEW), edited, 'a page the extension does not change');
  assert.match(project.read('views/pow/pow.css'), /\.pow-device \{/);
  for (const path of ['src/controllers/pow/sessions.ts', 'views/pow/sessions/index.ejs']) {
    assert.ok(existsSync(join(project.dir, path)), `${path} is written`);
  }

  const again = await project.pow(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Up to date/);

  // security-log on top of that: its one migration (the log table), the team's edits kept, and the
  // account page gets its link by a three-way merge into the team's copy.
  const logArgs = ['install', '--yes', '--extension', 'security-log'];
  const withLog = await project.pow(logArgs);
  assert.equal(withLog.code, 0, withLog.stderr + withLog.stdout);
  const logMigrations = migrations().filter((name) => !before.includes(name));
  assert.equal(logMigrations.length, 1, `one migration: ${logMigrations.join(', ')}`);
  const sql = project.read(`${MIGRATIONS}/${logMigrations[0]}/migration.sql`);
  assert.match(sql, /CREATE TABLE "UserSecurityEvent"/);
  assert.match(sql, /CREATE INDEX "UserSecurityEvent_userId_at_idx"/);
  assert.doesNotMatch(sql, /DROP|ALTER TABLE "User"/, 'nothing else changes');
  assert.match(project.read('prisma/schema.prisma'), /securityEvents\s+UserSecurityEvent\[\]/);
  assert.match(
    project.read('src/pow/config.ts'),
    /extensions: \['persistent-session', 'sessions', 'security-log'\]/,
  );
  assert.match(project.read('src/pow/config.ts'), /securityLog: \{ retentionDays: 90/);
  const logRoutes = project.read(ROUTES);
  assert.ok(logRoutes.includes(TEAM_ROUTE), "the team's route stays");
  assert.match(logRoutes, /auth\.page\('security_log', 'index'\)/);
  assert.match(project.read(LAYOUT), /<body class="pow team-body"/, "the team's layout edit stays");
  const account = project.read(REGISTRATION_VIEW);
  assert.match(account, /<h1 id="pow-title" class="team">/, "the team's edit of the account page stays");
  assert.match(account, /pow\.path\('security_log\.index'\)/, 'and it links to the log');
  for (const path of [
    'src/controllers/pow/security-log.ts',
    'views/pow/security-log/index.ejs',
    'views/pow/mailer/new_device.html.ejs',
    'views/pow/mailer/new_device.text.ejs',
  ]) {
    assert.ok(existsSync(join(project.dir, path)), `${path} is written`);
  }
  const logAgain = await project.pow(logArgs);
  assert.equal(logAgain.code, 0, logAgain.stderr);
  assert.match(logAgain.stdout, /Up to date/);

  // ---- passkeys: one migration with its table, the team's edits kept ----------------------------
  const title = `<h1 id="pow-title"><%= pow.t('pages.session.new.title') %></h1>\n`;
  assert.ok(project.read(SIGN_IN_VIEW).includes(title));
  project.write(SIGN_IN_VIEW, project.read(SIGN_IN_VIEW).replace(title, title + TEAM_NOTE));
  const migrated = await project.pow(['migrate']);
  assert.equal(migrated.code, 0, migrated.stderr);
  const beforePasskeys = migrations();
  const accountBeforePasskeys = project.read(REGISTRATION_VIEW);
  const passkeyArgs = ['install', '--yes', '--extension', 'passkeys'];
  const withPasskeys = await project.pow(passkeyArgs);
  assert.equal(withPasskeys.code, 0, withPasskeys.stderr + withPasskeys.stdout);
  const newMigrations = migrations().filter((name) => !beforePasskeys.includes(name));
  assert.equal(newMigrations.length, 1, `exactly one migration: ${newMigrations.join(', ')}`);
  const passkeySql = project.read(`${MIGRATIONS}/${newMigrations[0]}/migration.sql`);
  assert.match(passkeySql, /CREATE TABLE "UserPasskey"/);
  assert.match(passkeySql, /CREATE UNIQUE INDEX "UserPasskey_credentialId_key"/);
  assert.doesNotMatch(passkeySql, /ALTER TABLE "User"|DROP/, `only the passkeys table:\n${passkeySql}`);
  assert.match(
    project.read('src/pow/config.ts'),
    /extensions: \['persistent-session', 'sessions', 'security-log', 'passkeys'\]/,
  );
  assert.match(project.read('prisma/schema.prisma'), /passkeys +UserPasskey\[\]/);
  const signInView = project.read(SIGN_IN_VIEW);
  assert.ok(signInView.includes(TEAM_NOTE), "the team's sign-in page edit stays");
  assert.match(signInView, /data-passkey="sign-in"/, 'the sign-in page gets the passkey button');
  assert.ok(project.read(ROUTES).includes(TEAM_ROUTE), "the team's route stays");
  assert.match(project.read(ROUTES), /auth\.page\('passkeys', 'sign_in'\)/);
  assert.match(project.read(LAYOUT), /<body class="pow team-body"/);
  assert.match(project.read('views/pow/menu.ejs'), /pow\.path\('passkeys\.index'\)/);
  assert.equal(
    project.read(REGISTRATION_VIEW),
    accountBeforePasskeys,
    'passkeys leave the account page as it was',
  );
  for (const path of [
    'src/controllers/pow/passkeys.ts',
    'views/pow/passkeys/index.ejs',
    'views/pow/passkeys/confirm-delete.ejs',
    'views/pow/passkeys.js',
  ]) {
    assert.ok(existsSync(join(project.dir, path)), `${path} is written`);
  }
  assert.match(project.read('package.json'), /"@simplewebauthn\/server": "14\.0\.3"/);
  const againPasskeys = await project.pow(passkeyArgs);
  assert.equal(againPasskeys.code, 0, againPasskeys.stderr);
  assert.match(againPasskeys.stdout, /Up to date/);
  assert.equal(migrations().length, beforePasskeys.length + 1, 'no second migration');

  const migratedAll = await project.pow(['migrate']);
  assert.equal(migratedAll.code, 0, migratedAll.stderr);
  await prismaGenerate(project);
  await typecheck(project);
});
