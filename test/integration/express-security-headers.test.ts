/**
 * The security headers of `powExpress` (src/runtime/express/security-headers.ts, docs/security.md)
 * over real HTTP: pow's pages and refusals carry the strict Content-Security-Policy, `no-store`,
 * `nosniff` and the anti-framing pair; the app's responses behind `requireAuthenticated` carry
 * `no-store`, `nosniff` and the anti-framing pair; the app's other routes get nothing from pow; and
 * `securityHeaders` in the options replaces or removes any of them (a malformed value is refused at
 * start-up). Users live in a real SQLite database; sessions in the memory store.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createPow, createUser, memoryStore } from '../../src/runtime/index.js';
import {
  AUTHENTICATED_HEADERS,
  POW_PAGE_CSP,
  powExpress,
  type PowExpressOptions,
} from '../../src/runtime/express/index.js';
import { sessionFor } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const SECRET = 'headers-secret-'.repeat(3);
const PASSWORD = 'correct staple battery horse kayak';

let db: TestDatabase;
let seq = 0;
before(async () => {
  db = await createTestDatabase('sqlite');
});
after(async () => {
  await db?.cleanup();
});

function build(options: PowExpressOptions = {}) {
  const pow = createPow({
    prisma: db.prisma,
    store: memoryStore(),
    secret: SECRET,
    hashing: { insecureTestParameters: true },
  });
  const auth = powExpress(pow, options);
  const app = express();
  // An app-wide header middleware (helmet-like) that runs before pow: pow's set is the one that counts.
  app.use((_req, res, next) => {
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    next();
  });
  app.use(auth.middleware());
  app.get('/session/new', auth.requireNotAuthenticated, auth.page('session', 'new'), (_req, res) => {
    res.type('html').send('<!doctype html><title>Sign in</title>');
  });
  app.get('/dashboard', auth.requireAuthenticated, (_req, res) => res.send('secret dashboard'));
  app.get('/api/me', auth.requireAuthenticated, (req, res) => res.json({ id: auth.currentUser(req)?.id }));
  app.get('/public', (_req, res) => res.send('public'));
  return { app, auth };
}

async function signedInCookie(auth: ReturnType<typeof build>['auth']): Promise<string> {
  const user = await createUser(auth.pow, { email: `headers-${++seq}@example.com`, password: PASSWORD });
  return (await sessionFor(auth, user)).cookie;
}

function assertPageHeaders(res: request.Response, label: string): void {
  assert.equal(res.headers['content-security-policy'], POW_PAGE_CSP, `${label}: CSP`);
  assert.match(res.headers['content-security-policy'], /frame-ancestors 'none'/, `${label}: no framing`);
  assert.doesNotMatch(res.headers['content-security-policy'], /unsafe-inline/, `${label}: no inline code`);
  assert.equal(res.headers['x-frame-options'], 'DENY', `${label}: X-Frame-Options`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${label}: nosniff`);
  assert.equal(res.headers['cache-control'], 'no-store', `${label}: no-store`);
  assert.equal(res.headers['referrer-policy'], 'same-origin', `${label}: Referrer-Policy`);
}

describe('security headers', () => {
  it("pow's pages send the strict CSP, no-store, nosniff and no framing", async () => {
    const { app } = build();
    const res = await request(app).get('/session/new');
    assert.equal(res.status, 200);
    assertPageHeaders(res, 'sign-in page');
  });

  it("pow's refusals send them too (redirect to sign-in, expired form)", async () => {
    const { app } = build();
    const redirect = await request(app).get('/dashboard');
    assert.equal(redirect.status, 302);
    assertPageHeaders(redirect, 'redirect to sign-in');
    const forged = await request(app).post('/session').type('form').send({ user_id: 'x', password: 'y' });
    assert.equal(forged.status, 403);
    assertPageHeaders(forged, 'expired form');
  });

  it('responses behind requireAuthenticated are not cached, sniffed or framed', async () => {
    const { app, auth } = build();
    const cookie = await signedInCookie(auth);
    for (const path of ['/dashboard', '/api/me']) {
      const res = await request(app).get(path).set('Cookie', cookie);
      assert.equal(res.status, 200, path);
      for (const [name, value] of Object.entries(AUTHENTICATED_HEADERS))
        assert.equal(res.headers[name.toLowerCase()], value, `${path}: ${name}`);
      assert.equal(res.headers['cache-control'], 'no-store', path);
      assert.equal(res.headers['content-security-policy'], "frame-ancestors 'none'", path);
    }
  });

  it("the app's other routes get nothing from pow", async () => {
    const { app } = build();
    const res = await request(app).get('/public');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-security-policy'], undefined);
    assert.equal(res.headers['cache-control'], undefined);
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', "the app's own header stays");
  });

  it('securityHeaders in the options replaces or removes a header', async () => {
    const { app, auth } = build({
      securityHeaders: {
        pages: {
          'content-security-policy': "default-src 'self'; frame-ancestors 'self'",
          'Referrer-Policy': false,
        },
        authenticated: {
          'X-Frame-Options': 'SAMEORIGIN',
          'Content-Security-Policy': "frame-ancestors 'self'",
        },
      },
    });
    const page = await request(app).get('/session/new');
    assert.equal(page.headers['content-security-policy'], "default-src 'self'; frame-ancestors 'self'");
    assert.equal(page.headers['referrer-policy'], undefined);
    assert.equal(page.headers['x-content-type-options'], 'nosniff', 'the other defaults stay');
    const cookie = await signedInCookie(auth);
    const guarded = await request(app).get('/dashboard').set('Cookie', cookie);
    assert.equal(guarded.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(guarded.headers['content-security-policy'], "frame-ancestors 'self'");
    assert.equal(guarded.headers['cache-control'], 'no-store');
  });

  it('a malformed override is refused when powExpress is called', () => {
    for (const [securityHeaders, message] of [
      [{ pages: { 'X-Frame-Options': 'DENY\r\nSet-Cookie: a=b' } }, /must be a one-line string/],
      [{ pages: { 'Bad Name': 'x' } }, /"Bad Name" is not a header name/],
      [{ authenticated: 'none' }, /\.authenticated must be an object/],
      [{ pages: { 'X-Frame-Options': true } }, /must be a one-line string, or false/],
    ] as const) {
      assert.throws(() => build({ securityHeaders } as never), message);
    }
  });
});
