/**
 * `req[currentUserKey]` and `req.pow` are accessors on the app's request prototype
 * (src/runtime/express/request-accessors.ts), not properties written per request. What apps rely
 * on must hold on Express 5 and 4: the values in route handlers and sub-apps, one key per user
 * type, assignment by app code, and no own properties added to `req`.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import express5 from 'express';
import request from 'supertest';
import { createPow, createUser, memoryStore } from '../../src/runtime/index.js';
import type { Pow, UserRecord } from '../../src/runtime/core/types.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { signInAs } from '../../src/runtime/express/testing.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express5;

const SECRET = 'accessor-secret-'.repeat(3);
const PASSWORD = 'correct staple battery horse kayak';

for (const [label, express] of [
  ['Express 5', express5],
  ['Express 4', express4],
] as const) {
  describe(`request accessors on ${label}`, () => {
    let db: TestDatabase;
    let users: Pow;
    let admins: Pow;
    let userAuth: PowExpress;
    let adminAuth: PowExpress;
    let alice: UserRecord;
    let root: UserRecord;

    before(async () => {
      db = await createTestDatabase('sqlite');
      const store = memoryStore();
      const common = { prisma: db.prisma, store, secret: SECRET, hashing: { insecureTestParameters: true } };
      users = createPow(common);
      admins = createPow({ ...common, userType: 'admin' });
      userAuth = powExpress(users);
      adminAuth = powExpress(admins, { mountPath: '/admin' });
      alice = await createUser(users, { email: 'alice@example.com', password: PASSWORD });
      root = await createUser(admins, { email: 'root@example.com', password: PASSWORD });
    });
    after(async () => {
      await db.cleanup();
    });

    function buildApp() {
      const app = express();
      app.use(userAuth.middleware());
      const admin = express.Router();
      admin.use(adminAuth.middleware());
      admin.get('/whoami', (req, res) => {
        const r = req as unknown as Record<string, { email?: string; userType?: string } | null | undefined>;
        res.json({
          user: r.currentUser?.email ?? null,
          admin: r.currentAdmin?.email ?? null,
          // req.pow is the context of the last middleware that ran (the admins').
          powUserType: r.pow?.userType,
          ownKeys: Object.keys(req).filter((k) => ['currentUser', 'currentAdmin', 'pow'].includes(k)),
        });
      });
      app.use('/admin', admin);
      // A sub-app mounted after the middleware sees the accessors through its prototype chain.
      const sub = express();
      sub.get('/me', (req, res) => {
        const r = req as unknown as { currentUser?: { email: string } | null; pow?: { userType: string } };
        res.json({ user: r.currentUser?.email ?? null, powUserType: r.pow?.userType ?? null });
      });
      app.use('/sub', sub);
      app.get('/assign', (req, res) => {
        const r = req as unknown as { currentUser: unknown };
        r.currentUser = { email: 'assigned@example.com' };
        res.json({ user: (r.currentUser as { email: string }).email, locals: res.locals.currentUser?.email });
      });
      app.get('/locals', (req, res) => {
        res.json({
          user: res.locals.currentUser?.email ?? null,
          pow: res.locals.pow?.userType ?? null,
          sameContext: res.locals.pow === (req as unknown as { pow: unknown }).pow,
        });
      });
      return app;
    }

    it('handlers and sub-apps read the current user of each type; nothing is written onto req', async () => {
      const app = buildApp();
      const userCookie = await signInAs(userAuth, alice);
      const adminCookie = await signInAs(adminAuth, root);
      const both = await request(app)
        .get('/admin/whoami')
        .set('Cookie', `${userCookie}; ${adminCookie}`)
        .expect(200);
      assert.deepEqual(both.body, {
        user: 'alice@example.com',
        admin: 'root@example.com',
        powUserType: 'admin',
        ownKeys: [],
      });
      const adminOnly = await request(app).get('/admin/whoami').set('Cookie', adminCookie).expect(200);
      assert.equal(adminOnly.body.user, null);
      assert.equal(adminOnly.body.admin, 'root@example.com');
      const sub = await request(app).get('/sub/me').set('Cookie', userCookie).expect(200);
      assert.deepEqual(sub.body, { user: 'alice@example.com', powUserType: 'user' });
      const anonymous = await request(app).get('/sub/me').expect(200);
      assert.deepEqual(anonymous.body, { user: null, powUserType: 'user' });
    });

    it('res.locals carries the same user and context for views; app code may still assign req.currentUser', async () => {
      const app = buildApp();
      const cookie = await signInAs(userAuth, alice);
      const locals = await request(app).get('/locals').set('Cookie', cookie).expect(200);
      assert.deepEqual(locals.body, { user: 'alice@example.com', pow: 'user', sameContext: true });
      const assigned = await request(app).get('/assign').set('Cookie', cookie).expect(200);
      assert.deepEqual(assigned.body, { user: 'assigned@example.com', locals: 'alice@example.com' });
      // The assignment stayed on that request: the next one reads the session again.
      const next = await request(app).get('/sub/me').set('Cookie', cookie).expect(200);
      assert.equal(next.body.user, 'alice@example.com');
    });

    it('without an Express app prototype (plain objects), the middleware writes plain properties', async () => {
      const cookie = (await signInAs(userAuth, alice)).split(';')[0];
      const req = { headers: { cookie }, method: 'GET', url: '/x', originalUrl: '/x' } as never;
      const res = {
        locals: {},
        statusCode: 200,
        headersSent: false,
        getHeader: () => undefined,
        setHeader() {},
      };
      await new Promise<void>((resolve, reject) =>
        userAuth.middleware()(req, res as never, (error?: unknown) => (error ? reject(error) : resolve())),
      );
      const plain = req as unknown as { currentUser: { email: string }; pow: { userType: string } };
      assert.equal(plain.currentUser.email, 'alice@example.com');
      assert.equal(plain.pow.userType, 'user');
      assert.ok(Object.keys(plain).includes('currentUser'));
    });
  });
}
