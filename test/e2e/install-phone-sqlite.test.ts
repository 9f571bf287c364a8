/**
 * Sign-in with a phone number, end to end on the SQLite example app: `pow install` with the user
 * id fields email + phone, `pow migrate`, `prisma generate` + strict tsc, then the booted app over
 * HTTP: the forms' labels name the fields (English and German), registration stores the phone
 * number normalised, and signing in with it typed another way ("+49 (151) 234-5678" for
 * "+491512345678") works while a wrong password gets the generic answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningApp } from '../helpers/app-process.js';
import { hashTree } from '../helpers/fixtures.js';
import {
  bootWithTsx,
  e2eProject,
  prismaGenerate,
  protectDashboard,
  typecheck,
} from '../helpers/e2e-project.js';
import { HttpClient, csrfTokenFrom } from '../helpers/http-client.js';

const FIXTURE = 'express5-ts-esm-sqlite';
const INSTALL = ['install', '--yes', '--user-id-field', 'email', '--user-id-field', 'phone'];
const EMAIL = 'grace@example.com';
const PHONE = '+491512345678';
const PHONE_TYPED = '+49 (151) 234-5678';
const PASSWORD = 'teal-heron-skates-71-softly';
const GENERIC = /The provided login details did not work/;

/** The text of the `<label for="...">` of one input. */
function labelOf(html: string, id: string): string | undefined {
  return new RegExp(`<label for="${id}">([^<]*)</label>`).exec(html)?.[1];
}

/** The attributes of the `<input>` named `name`. */
function inputOf(html: string, name: string): string {
  const tag = new RegExp(`<input [^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  assert.ok(tag, `no input ${name}`);
  return tag;
}

test(`pow install --user-id-field email --user-id-field phone on ${FIXTURE}: sign in by phone`, async (t) => {
  const project = await e2eProject(FIXTURE, 'sqlite');
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await project.dispose();
  });

  await t.test('install: a phone column, both fields in the config, labelled forms', async () => {
    const res = await project.pow(INSTALL);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(project.read('prisma/schema.prisma'), /^\s+phone\s+String\?\s+@unique$/m);
    assert.match(project.read('src/pow/config.ts'), /userIdFields: \['email', 'phone'\],/);
    assert.ok(
      project
        .read('views/pow/session/new.ejs')
        .includes(
          `<label for="user_id"><%= pow.t('fields.one_of.two', { first: pow.t('fields.email'), last: pow.t('fields.in_list.phone') }) %></label>`,
        ),
      'the sign-in label is built from catalogue keys',
    );
    const register = project.read('views/pow/registration/new.ejs');
    assert.ok(register.includes(`<label for="phone"><%= pow.t('fields.phone') %></label>`));
    assert.match(register, /<input id="phone" name="phone" type="tel" autocomplete="tel" /);
    assert.match(project.read('prisma/migrations/20260102030405_pow_install/migration.sql'), /"phone" TEXT/);
  });

  await t.test('a second identical run writes nothing', async () => {
    const before = hashTree(project.dir);
    const res = await project.pow(INSTALL);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /Up to date/);
    assert.equal(hashTree(project.dir), before);
  });

  await t.test('pow migrate, prisma generate, strict tsc --noEmit', async () => {
    const migrate = await project.pow(['migrate']);
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.match(migrate.stdout, /20260102030405_pow_install/);
    await prismaGenerate(project);
    await typecheck(project);
  });

  protectDashboard(project, 'src/app.ts', 'app');
  app = await bootWithTsx(project, 'src/server.ts');
  const browser = new HttpClient(app.url);

  await t.test(
    'the sign-in box is labelled "Email or phone number" (German: "E-Mail oder Telefonnummer")',
    async () => {
      const page = await browser.get('/session/new');
      assert.equal(page.status, 200);
      assert.equal(labelOf(page.body, 'user_id'), 'Email or phone number');
      assert.match(inputOf(page.body, 'user_id'), /type="text"/);
      const german = await new HttpClient(app!.url).get('/session/new', {
        'accept-language': 'de-DE,de;q=0.9',
      });
      assert.equal(labelOf(german.body, 'user_id'), 'E-Mail oder Telefonnummer');
    },
  );

  await t.test('register with email and phone: signed in, the number stored normalised', async () => {
    const page = await browser.get('/registration/new');
    assert.equal(labelOf(page.body, 'email'), 'Email');
    assert.equal(labelOf(page.body, 'phone'), 'Phone number');
    assert.match(inputOf(page.body, 'phone'), /type="tel"/);
    const res = await browser.post('/registration', {
      _csrf: csrfTokenFrom(page.body),
      email: EMAIL,
      phone: '+49 151 2345678',
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.equal(res.status, 302, res.body.slice(0, 2000));
    assert.equal(res.location, '/');
    assert.equal((await browser.get('/dashboard')).status, 200);
    const edit = await browser.get('/registration/edit');
    assert.equal(labelOf(edit.body, 'phone'), 'Phone number');
    assert.ok(inputOf(edit.body, 'phone').includes(`value="${PHONE}"`));
  });

  await t.test('sign out', async () => {
    const page = await browser.get('/registration/edit');
    const res = await browser.post('/session', { _csrf: csrfTokenFrom(page.body), _method: 'DELETE' });
    assert.equal(res.status, 302);
    assert.equal((await browser.get('/dashboard')).status, 302);
  });

  await t.test('the same number in another format cannot register again', async () => {
    const other = new HttpClient(app!.url);
    const page = await other.get('/registration/new');
    const res = await other.post('/registration', {
      _csrf: csrfTokenFrom(page.body),
      email: 'someone.else@example.com',
      phone: '+49-151-234-56-78',
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.equal(res.status, 422);
    assert.match(
      res.body,
      /<p class="pow-field-error" id="phone-error">Phone number is already taken\.<\/p>/,
    );
  });

  await t.test('sign in with the phone number typed another way; a wrong password is refused', async () => {
    const signIn = await browser.follow(await browser.get('/dashboard'));
    assert.equal(signIn.status, 200);
    assert.equal(labelOf(signIn.body, 'user_id'), 'Email or phone number');
    const csrf = csrfTokenFrom(signIn.body);
    const action = '/session?request_path=%2Fdashboard';

    const wrong = await browser.post(action, {
      _csrf: csrf,
      user_id: PHONE_TYPED,
      password: 'not-the-password-at-all',
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, GENERIC);
    assert.ok(wrong.body.includes(`value="${PHONE_TYPED}"`), 'the identifier is kept');
    const national = await browser.post(action, { _csrf: csrf, user_id: '0151 2345678', password: PASSWORD });
    assert.equal(national.status, 401, 'no country is guessed: a national number is another identifier');
    assert.match(national.body, GENERIC);

    const ok = await browser.post(action, { _csrf: csrf, user_id: PHONE_TYPED, password: PASSWORD });
    assert.equal(ok.status, 302, ok.body.slice(0, 2000));
    assert.equal(ok.location, '/dashboard');
    const dashboard = await browser.get('/dashboard');
    assert.equal(dashboard.status, 200);
    assert.match(dashboard.body, /Dashboard/);
  });

  await t.test('the e-mail signs in to the same account', async () => {
    const page = await browser.get('/registration/edit');
    await browser.post('/session', { _csrf: csrfTokenFrom(page.body), _method: 'DELETE' });
    const signIn = await browser.get('/session/new');
    const res = await browser.post('/session', {
      _csrf: csrfTokenFrom(signIn.body),
      user_id: EMAIL.toUpperCase(),
      password: PASSWORD,
    });
    assert.equal(res.status, 302);
    const edit = await browser.get('/registration/edit');
    assert.ok(inputOf(edit.body, 'phone').includes(`value="${PHONE}"`));
  });

  await t.test('a phone number outside 7–15 digits is refused with its own message', async () => {
    const other = new HttpClient(app!.url);
    const page = await other.get('/registration/new');
    const res = await other.post('/registration', {
      _csrf: csrfTokenFrom(page.body),
      email: 'short.number@example.com',
      phone: '12 34 56',
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.equal(res.status, 422);
    assert.match(res.body, /id="phone-error">Phone number must have 7 to 15 digits/);
  });
});
