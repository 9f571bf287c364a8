/**
 * Page paths from the routes file (`auth.readPages`), on Express 5 and Express 4: the path of each
 * route marked with `auth.page()` becomes the path pow links and redirects to, and a routes file
 * that marks a page twice or drops a page pow needs fails at start-up, naming the page and the file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import express5 from 'express';
import { createPow, memoryStore } from '../../src/runtime/index.js';
import type { ExtensionName } from '../../src/runtime/core/types.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { commonPathPrefix } from '../../src/runtime/express/extensions.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express5;

const THIS_FILE = 'test/unit/express-page-paths.test.ts';
const noop = (_req: unknown, res: { end(): void }) => res.end();

/** powExpress over a Prisma stand-in: nothing here reaches the database. */
function authFor(extensions: ExtensionName[] = [], mountPath = ''): PowExpress {
  const unused = () => Promise.reject(new Error('no database in this test'));
  const delegate = { findFirst: unused, findMany: unused, create: unused, update: unused, delete: unused };
  const prisma = { user: delegate };
  const pow = createPow({ prisma, store: memoryStore(), secret: 'k'.repeat(32), extensions } as never);
  return powExpress(pow, {
    mountPath,
    prisma: prisma as never,
    baseUrl: 'https://example.com',
    mail: { mailer: { send: () => Promise.resolve() } },
  });
}

const req = (method: string, url: string) =>
  ({ method, originalUrl: url, url, query: {}, headers: {} }) as never;

for (const [label, express] of [
  ['Express 5', express5],
  ['Express 4', express4],
] as const) {
  describe(`auth.readPages on ${label}`, () => {
    it('keeps the default paths when the routes file does not call it (apps generated before)', () => {
      const auth = authFor();
      assert.equal(auth.routes.path('session.new'), '/session/new');
      assert.equal(auth.routes.path('registration.new'), '/registration/new');
      assert.equal(auth.routes.has('registration.new'), true);
    });

    it('takes each page’s path from its route, under the mount path of the config', () => {
      const auth = authFor(['reset-password'], '/admin');
      const router = express.Router();
      router.get('/login', auth.requireNotAuthenticated, auth.page('session', 'new'), noop);
      // One route, two methods: each handler carries its own page.
      router.route('/login').post(auth.page('session', 'create'), noop);
      router.delete('/logout', auth.page('session', 'delete'), noop);
      router.get('/forgot', auth.page('reset_password', 'new'), noop);
      router.post('/forgot', auth.page('reset_password', 'create'), noop);
      router.get('/forgot/:token/open', auth.page('reset_password', 'link'), noop);
      router.get('/forgot/form', auth.page('reset_password', 'edit'), noop);
      router.patch('/forgot/form', auth.page('reset_password', 'update'), noop);
      router.get('/pow/pow.css', noop);
      auth.readPages(router);

      const { path, has } = auth.routes;
      assert.equal(path('session.new'), '/admin/login');
      assert.equal(path('session.create', { request_path: '/x' }), '/admin/login?request_path=%2Fx');
      assert.equal(path('session.delete'), '/admin/logout');
      assert.equal(path('reset_password.edit', { token: 'a/b' }), '/admin/forgot/a%2Fb/open');
      assert.equal(path('reset_password.form'), '/admin/forgot/form');
      assert.equal(path('reset_password.submit'), '/admin/forgot/form');
      // Redirects follow: the guards and sign-out.
      assert.equal(auth.routes.afterSignOutPath(req('DELETE', '/admin/logout')), '/admin/login');
      assert.equal(
        auth.routes.userNotAuthenticatedPath(req('GET', '/admin/x')),
        '/admin/login?request_path=%2Fadmin%2Fx',
      );
      // A page without a route: no link to it, and a clear error for code that asks anyway.
      assert.equal(has('registration.new'), false);
      assert.throws(
        () => path('registration.new'),
        (error: Error & { code?: string }) =>
          error.code === 'POW_PAGE_NOT_ROUTED' &&
          error.message.includes(THIS_FILE) &&
          error.message.includes('"registration.new"'),
      );
    });

    it('the stylesheet: the path of its marked route, else the default (routes files from before)', () => {
      const marked = authFor([], '/admin');
      const router = express.Router();
      router.get('/login', marked.page('session', 'new'), noop);
      router.post('/login', marked.page('session', 'create'), noop);
      router.delete('/logout', marked.page('session', 'delete'), noop);
      router.get('/assets/auth.css', marked.page('layout', 'stylesheet'), noop);
      marked.readPages(router);
      assert.equal(marked.routes.path('layout.stylesheet'), '/admin/assets/auth.css');

      const unmarked = authFor([], '/admin');
      const old = express.Router();
      old.get('/login', unmarked.page('session', 'new'), noop);
      old.post('/login', unmarked.page('session', 'create'), noop);
      old.delete('/logout', unmarked.page('session', 'delete'), noop);
      old.get('/pow/pow.css', noop);
      unmarked.readPages(old);
      assert.equal(unmarked.routes.path('layout.stylesheet'), '/admin/pow/pow.css');
    });

    it('oauth: the provider pages take their paths with :provider, and need it as their only param', () => {
      const auth = authFor(['oauth'], '/admin');
      const router = express.Router();
      router.get('/login', auth.page('session', 'new'), noop);
      router.post('/login', auth.page('session', 'create'), noop);
      router.delete('/logout', auth.page('session', 'delete'), noop);
      router.get('/sso/:provider/start', auth.page('oauth', 'new'), noop);
      router.get('/sso/:provider/back', auth.page('oauth', 'callback'), noop);
      router.delete('/sso/:provider', auth.page('oauth', 'delete'), noop);
      auth.readPages(router);
      assert.equal(auth.routes.path('oauth.new', { provider: 'company' }), '/admin/sso/company/start');
      assert.equal(auth.routes.path('oauth.callback', { provider: 'github' }), '/admin/sso/github/back');

      const missing = authFor(['oauth']);
      const without = express.Router();
      without.get('/login', missing.page('session', 'new'), noop);
      without.post('/login', missing.page('session', 'create'), noop);
      without.delete('/logout', missing.page('session', 'delete'), noop);
      without.get('/sso/:provider/start', missing.page('oauth', 'new'), noop);
      assert.throws(() => missing.readPages(without), /auth\.page\('oauth', 'callback'\).*"oauth" needs/);

      const wrong = authFor(['oauth']);
      const fixed = express.Router();
      fixed.get('/sso/github/start', wrong.page('oauth', 'new'), noop);
      assert.throws(() => wrong.readPages(fixed), /exactly one param there, :provider/);
    });

    it('reads the first path of a route with several', () => {
      const auth = authFor();
      const router = express.Router();
      router.get(['/sign-in', '/session/new'], auth.page('session', 'new'), noop);
      router.post('/sign-in', auth.page('session', 'create'), noop);
      router.delete('/sign-in', auth.page('session', 'delete'), noop);
      auth.readPages(router);
      assert.equal(auth.routes.path('session.new'), '/sign-in');
    });

    it('maps the reset pages of routes files from before the token-free form', () => {
      const auth = authFor(['reset-password']);
      const router = express.Router();
      router.get('/session/new', auth.page('session', 'new'), noop);
      router.post('/session', auth.page('session', 'create'), noop);
      router.delete('/session', auth.page('session', 'delete'), noop);
      router.get('/reset/new', auth.page('reset_password', 'new'), noop);
      router.post('/reset', auth.page('reset_password', 'create'), noop);
      router.get('/reset/:token/edit', auth.page('reset_password', 'link'), noop);
      router.get('/reset/edit', auth.page('reset_password', 'edit'), noop);
      router.patch('/reset', auth.page('reset_password', 'update'), noop);
      auth.readPages(router);
      assert.equal(auth.routes.path('reset_password.edit', { token: 't' }), '/reset/t/edit');
      assert.equal(auth.routes.path('reset_password.form'), '/reset/edit');
      assert.equal(auth.routes.has('reset_password.update'), false);
    });

    it('refuses a page marked on two routes, naming both and the file', () => {
      const auth = authFor();
      const router = express.Router();
      router.get('/session/new', auth.page('session', 'new'), noop);
      router.get('/login', auth.page('session', 'new'), noop);
      router.post('/session', auth.page('session', 'create'), noop);
      router.delete('/session', auth.page('session', 'delete'), noop);
      assert.throws(
        () => auth.readPages(router),
        (error: Error & { code?: string }) =>
          error.code === 'POW_ROUTES_INVALID' &&
          error.message.includes("auth.page('session', 'new')") &&
          error.message.includes('/session/new') &&
          error.message.includes('/login') &&
          error.message.includes(THIS_FILE),
      );
    });

    it('refuses a routes file without a page pow needs, naming the page and the file', () => {
      const auth = authFor();
      const router = express.Router();
      router.post('/session', auth.page('session', 'create'), noop);
      router.delete('/session', auth.page('session', 'delete'), noop);
      assert.throws(
        () => auth.readPages(router),
        (error: Error & { code?: string; fix?: string }) =>
          error.code === 'POW_ROUTES_INVALID' &&
          error.message.startsWith(`${THIS_FILE} has no route marked auth.page('session', 'new')`) &&
          error.fix!.includes('"/session/new"'),
      );
    });

    it('refuses dropping the mailed page of an enabled extension, or the target of a routed form', () => {
      const signInOut = (auth: PowExpress) => {
        const router = express.Router();
        router.get('/session/new', auth.page('session', 'new'), noop);
        router.post('/session', auth.page('session', 'create'), noop);
        router.delete('/session', auth.page('session', 'delete'), noop);
        return router;
      };
      const confirming = authFor(['email-confirmation']);
      assert.throws(
        () => confirming.readPages(signInOut(confirming)),
        /auth\.page\('confirmation', 'show'\), which the enabled extension "email-confirmation" needs/,
      );
      const registering = authFor();
      const router = signInOut(registering);
      router.get('/sign-up', registering.page('registration', 'new'), noop);
      assert.throws(
        () => registering.readPages(router),
        /auth\.page\('registration', 'create'\), which the page of auth\.page\('registration', 'new'\) needs/,
      );
    });

    it('refuses paths it cannot build links to', () => {
      const auth = authFor(['email-confirmation']);
      const router = express.Router();
      router.get('/session/new', auth.page('session', 'new'), noop);
      router.post('/session', auth.page('session', 'create'), noop);
      router.delete('/session', auth.page('session', 'delete'), noop);
      router.get('/confirm/:code', auth.page('confirmation', 'show'), noop);
      assert.throws(() => auth.readPages(router), /exactly one param, :token/);

      const other = authFor();
      const regex = express.Router();
      regex.get(/^\/log-?in$/, other.page('session', 'new'), noop);
      assert.throws(() => other.readPages(regex), /cannot build links to/);
      assert.throws(() => other.readPages({}), /needs the Express router/);
    });

    it('reads only its own user type’s markers', () => {
      const users = authFor();
      const admins = authFor([], '/admin');
      const router = express.Router();
      router.get('/login', users.page('session', 'new'), noop);
      router.post('/login', users.page('session', 'create'), noop);
      router.delete('/login', users.page('session', 'delete'), noop);
      router.get('/admin-login', admins.page('session', 'new'), noop);
      users.readPages(router);
      assert.equal(users.routes.path('session.new'), '/login');
    });
  });
}

describe('the reset cookie path', () => {
  it('is the path the reset form and its target share, by whole segments', () => {
    assert.equal(commonPathPrefix('/reset-password/edit', '/reset-password'), '/reset-password');
    assert.equal(commonPathPrefix('/admin/forgot/form', '/admin/forgot/form'), '/admin/forgot/form');
    assert.equal(commonPathPrefix('/password-form', '/password'), '/');
  });
});

describe('the refused-form page', () => {
  it('links the stylesheet the other pages link (its marked route), not a fixed <mount>/pow/pow.css', async () => {
    const { default: request } = await import('supertest');
    const auth = authFor([], '/admin');
    const router = express5.Router();
    router.get('/login', auth.page('session', 'new'), noop);
    router.post('/login', auth.page('session', 'create'), noop);
    router.delete('/logout', auth.page('session', 'delete'), noop);
    router.get('/assets/auth.css', auth.page('layout', 'stylesheet'), noop);
    auth.readPages(router);
    const app = express5();
    app.use(express5.urlencoded({ extended: false }));
    app.use(auth.middleware());
    app.use('/admin', router);
    // pow's sign-in form posted from another site without a token: the 403 page, not a redirect.
    const refused = await request(app)
      .post('/admin/login')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ user_id: 'x' });
    assert.equal(refused.status, 403);
    assert.match(refused.text, /<h1 id="pow-title">This form could not be sent<\/h1>/);
    assert.match(refused.text, /<link rel="stylesheet" href="\/admin\/assets\/auth\.css">/);
    assert.doesNotMatch(refused.text, /pow\/pow\.css/);
  });
});
