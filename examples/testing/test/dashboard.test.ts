/**
 * The dashboard is for signed-in users only. Run with:
 *
 *   DATABASE_URL=file:./test.db npx tsx --env-file=.env --test test/dashboard.test.ts
 */
// #region test
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import request from 'supertest';
import { createUser, type UserRecord } from 'pow';
import { signInAs, sessionFor } from 'pow/testing';
import app from '../src/app.js';
import { prisma } from '../src/db.js';
import { auth, pow } from '../src/pow/config.js';

let user: UserRecord;

before(async () => {
  user = await createUser(pow, { email: 'tester@example.com', password: 'a-long-test-passphrase-1' });
});

after(async () => {
  await pow.users.delete(user);
  await prisma.$disconnect();
});

test('signed out: the dashboard sends the visitor to sign in', async () => {
  const res = await request(app).get('/dashboard').expect(302);
  assert.equal(res.headers.location, '/session/new?request_path=%2Fdashboard');
});

test('signed in: the dashboard opens', async () => {
  // A real session in the app's store, without going through the sign-in form.
  const cookie = await signInAs(auth, user);
  const res = await request(app).get('/dashboard').set('Cookie', cookie).expect(200);
  assert.match(res.text, /Dashboard/);
});

test('a form post needs the session and its CSRF token', async () => {
  const { cookie, csrfToken } = await sessionFor(auth, user);
  await request(app)
    .post('/session')
    .set('Cookie', cookie)
    .type('form')
    .send({ _method: 'DELETE' })
    .expect(403);
  await request(app)
    .post('/session')
    .set('Cookie', cookie)
    .type('form')
    .send({ _method: 'DELETE', _csrf: csrfToken })
    .expect(302);
});
// #endregion test
