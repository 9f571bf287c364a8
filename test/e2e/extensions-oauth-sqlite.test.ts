/**
 * `pow install --extension oauth` on a project that already has pow (SQLite example app): one
 * migration with the `UserIdentity` table and nothing on `User` but the relation field, the team's
 * edits kept (routes, a view, the registration controller), the provider buttons, connected
 * accounts, routes, config and `.env.example` keys added; re-running with another `--provider`
 * keeps the first and writes no migration; the app type-checks under its own strict tsconfig.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { e2eProject, prismaGenerate, typecheck } from '../helpers/e2e-project.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const MIGRATIONS = 'prisma/migrations';
const ROUTES = 'src/routes/pow.ts';
const CONFIG = 'src/pow/config.ts';
const SIGN_IN_VIEW = 'views/pow/session/new.ejs';
const REGISTRATION_CONTROLLER = 'src/controllers/pow/registration.ts';
const TEAM_ROUTE = "powRoutes.get('/team-route', (_req, res) => {\n  res.send('team');\n});\n";

test(`install --extension oauth later on ${FIXTURE}: one migration, team edits kept, providers accumulate`, async (t) => {
  const project = await e2eProject(FIXTURE, 'sqlite');
  t.after(() => project.dispose());
  const migrations = () =>
    existsSync(join(project.dir, MIGRATIONS))
      ? readdirSync(join(project.dir, MIGRATIONS)).filter((name) => name !== 'migration_lock.toml')
      : [];

  const first = await project.pow(['install', '--yes']);
  assert.equal(first.code, 0, first.stderr);
  const before = migrations();
  const userModel = () => /model User \{[^}]*\}/.exec(project.read('prisma/schema.prisma'))![0];
  const userBefore = userModel();
  project.write(ROUTES, project.read(ROUTES) + '\n' + TEAM_ROUTE);
  project.write(
    SIGN_IN_VIEW,
    project.read(SIGN_IN_VIEW).replace('<h1 id="pow-title">', '<h1 id="pow-title" class="team">'),
  );
  project.write(
    REGISTRATION_CONTROLLER,
    project
      .read(REGISTRATION_CONTROLLER)
      .replace('export const registrationController', '// team note\nexport const registrationController'),
  );
  const controller = project.read(REGISTRATION_CONTROLLER);

  const refused = await project.pow(['install', '--yes', '--extension', 'oauth']);
  assert.equal(refused.code, 2, 'oauth without a provider is refused');
  assert.match(refused.stderr + refused.stdout, /needs at least one --provider/);

  const added = await project.pow(['install', '--yes', '--extension', 'oauth', '--provider', 'github']);
  assert.equal(added.code, 0, added.stderr + added.stdout);
  assert.match(
    added.stdout,
    /Register the app with each sign-in provider \(callback URL <POW_BASE_URL>\/auth\/<provider>\/callback\) and set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET/,
  );
  const after = migrations();
  assert.equal(after.length, before.length + 1, 'exactly one new migration');
  const sql = project.read(
    join(
      MIGRATIONS,
      after.find((name) => !before.includes(name))!,
      'migration.sql',
    ),
  );
  assert.match(sql, /CREATE TABLE "UserIdentity"/);
  assert.match(sql, /CREATE UNIQUE INDEX "UserIdentity_provider_providerUserId_key"/);
  assert.doesNotMatch(sql, /ALTER TABLE "User"/, 'no column on the users table');
  const userAfter = userModel();
  assert.equal(
    userAfter.replace(/\n\s*identities\s+UserIdentity\[\]/, ''),
    userBefore,
    'User gets only the identities relation field',
  );

  const routes = project.read(ROUTES);
  assert.ok(routes.includes(TEAM_ROUTE), "the team's route stays");
  assert.match(routes, /auth\.page\('oauth', 'callback'\)/);
  assert.match(routes, /'\/auth\/:provider\/new'/);
  assert.match(routes, /oauthController\.buttons,\n {2}sessionController\.new/);
  assert.match(routes, /identitiesController\.list,\n {2}registrationController\.edit/);
  const signIn = project.read(SIGN_IN_VIEW);
  assert.match(signIn, /<h1 id="pow-title" class="team">/, "the team's view edit stays");
  assert.match(signIn, /include\('\.\.\/oauth\/buttons'\)/);
  assert.equal(project.read(REGISTRATION_CONTROLLER), controller, 'a controller oauth does not change');
  assert.match(project.read('views/pow/registration/edit.ejs'), /include\('\.\.\/oauth\/identities'\)/);
  for (const path of [
    'src/controllers/pow/oauth.ts',
    'src/controllers/pow/identities.ts',
    'views/pow/oauth/buttons.ejs',
  ]) {
    assert.ok(existsSync(join(project.dir, path)), `${path} is written`);
  }
  let config = project.read(CONFIG);
  assert.match(config, /extensions: \['oauth'\]/);
  assert.match(
    config,
    /github\(\{ clientId: fromEnv\('GITHUB_CLIENT_ID'\), clientSecret: fromEnv\('GITHUB_CLIENT_SECRET'\) \}\)/,
  );
  assert.match(project.read('.env.example'), /^GITHUB_CLIENT_ID=$/m);
  assert.match(project.read('package.json'), /"openid-client": "6\.9\.1"/);

  // A second provider later: the first stays, no migration.
  const more = await project.pow(['install', '--yes', '--provider', 'oidc:company']);
  assert.equal(more.code, 0, more.stderr + more.stdout);
  assert.deepEqual(migrations(), after, 'no migration for another provider');
  config = project.read(CONFIG);
  assert.match(config, /github\(\{ clientId: fromEnv\('GITHUB_CLIENT_ID'\)/, 'github is kept');
  assert.match(
    config,
    /openIdProvider\('company', \{\n\s+label: 'Company',\n\s+issuer: fromEnv\('COMPANY_ISSUER'\)/,
  );
  const example = project.read('.env.example');
  for (const key of [
    'GITHUB_CLIENT_ID',
    'GITHUB_CLIENT_SECRET',
    'COMPANY_ISSUER',
    'COMPANY_CLIENT_ID',
    'COMPANY_CLIENT_SECRET',
  ])
    assert.match(example, new RegExp(`^${key}=$`, 'm'), `.env.example has ${key}`);
  assert.ok(project.read(ROUTES).includes(TEAM_ROUTE), "the team's route still stays");
  const manifest = JSON.parse(project.read('.pow/manifest.json')) as {
    options: { install: { oauthProviders: string[] } };
  };
  assert.deepEqual(manifest.options.install.oauthProviders, ['github', 'oidc:company']);

  const again = await project.pow(['install', '--yes']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Up to date/);

  const migrated = await project.pow(['migrate']);
  assert.equal(migrated.code, 0, migrated.stderr);
  await prismaGenerate(project);
  await typecheck(project);
});
