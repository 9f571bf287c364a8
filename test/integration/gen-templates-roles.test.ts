/**
 * Two runtime behaviours the namespaced templates of `pow gen.templates --namespace` rely on, over
 * real HTTP with users in a real SQLite database:
 *
 * - `auth.page()` puts its own user type's context in `res.locals.pow` / `req.pow`, whichever
 *   middleware ran last (both mounted app-wide here, the admin's last);
 * - the recipe of docs/guides/multiple-user-types.md, "Admins who are users with a role": admins
 *   share the users' model, the admin session controller ends the session of an account without
 *   the role (same answer as a wrong password), and a guard re-checks the role on every request
 *   (after `auth.refreshUser`, the next request sees a role taken away).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { createPow, createUser, memoryStore } from '../../src/runtime/index.js';
import type { Pow } from '../../src/runtime/core/types.js';
import { powExpress, type PowExpress } from '../../src/runtime/express/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';

const SECRET = 'gen-templates-roles-secret-'.repeat(2);
const PASSWORD = 'correct staple battery horse kayak';

let db: TestDatabase;
let auth: PowExpress;
let adminAuth: PowExpress;
let adminPow: Pow;
let app: express.Express;

before(async () => {
  db = await createTestDatabase('sqlite');
  const base = {
    prisma: db.prisma,
    store: memoryStore(),
    secret: SECRET,
    hashing: { insecureTestParameters: true },
  };
  const pow = createPow(base);
  adminPow = createPow({ ...base, userType: 'admin' });
  auth = powExpress(pow);
  adminAuth = powExpress(adminPow, { mountPath: '/admin', currentUserKey: 'currentAdmin' });

  const requireAdminRole: express.RequestHandler = (req, res, next) => {
    if (adminAuth.currentUser(req)?.role === 'admin') return next();
    res.status(403).send('Forbidden');
  };
  const context = (req: express.Request, res: express.Response) => {
    res.json({ locals: res.locals.pow.mountPath, req: req.pow.userType, csrf: res.locals.pow.csrfToken });
  };

  app = express();
  app.use(auth.middleware());
  app.use(adminAuth.middleware());
  app.get('/session/new', auth.page('session', 'new'), context);
  app.get('/admin/session/new', adminAuth.page('session', 'new'), context);
  // The create action of the generated admin session controller, with the documented role check.
  app.post('/admin/session', adminAuth.page('session', 'create'), async (req, res) => {
    const userId = String(req.body?.user_id ?? '');
    const result = await adminAuth.signIn(req, res, userId, String(req.body?.password ?? ''));
    if (result.ok && result.user.role !== 'admin') {
      await adminAuth.signOut(req, res);
      res.status(401).json({ formError: 'session.invalid_credentials' });
      return;
    }
    if (!result.ok) {
      res.status(result.status).json({ formError: result.messageKey });
      return;
    }
    res.redirect(adminAuth.routes.afterSignInPath(req));
  });
  app.get('/admin/dashboard', adminAuth.requireAuthenticated, requireAdminRole, (req, res) => {
    res.json({ email: adminAuth.currentUser(req)?.email });
  });
  app.get('/dashboard', auth.requireAuthenticated, (req, res) =>
    res.json({ email: auth.currentUser(req)?.email }),
  );
});

after(async () => {
  await db?.cleanup();
});

test("auth.page() gives each page its own user type's context, whichever middleware ran last", async () => {
  const user = await request(app).get('/session/new');
  assert.equal(user.status, 200);
  assert.deepEqual([user.body.locals, user.body.req], ['', 'user']);
  const admin = await request(app).get('/admin/session/new');
  assert.deepEqual([admin.body.locals, admin.body.req], ['/admin', 'admin']);
});

test('admins who are users with a role: only the role gets an admin session, and only while it has it', async () => {
  const plain = await createUser(auth.pow, { email: 'plain@example.com', password: PASSWORD });
  const boss = await createUser(auth.pow, { email: 'boss@example.com', password: PASSWORD });
  await db.prisma.user.update({ where: { id: boss.id }, data: { role: 'admin' } });

  const signIn = async (agent: ReturnType<typeof request.agent>, email: string, password: string) => {
    const page = await agent.get('/admin/session/new');
    return agent
      .post('/admin/session')
      .type('form')
      .send({ _csrf: page.body.csrf, user_id: email, password });
  };

  // A user with the right password but without the role: the wrong-password answer, no admin session.
  const agent = request.agent(app);
  const refused = await signIn(agent, plain.email as string, PASSWORD);
  const wrong = await signIn(request.agent(app), plain.email as string, 'not the password at all');
  assert.equal(refused.status, 401);
  assert.deepEqual(refused.body, wrong.body);
  assert.equal((await agent.get('/admin/dashboard')).status, 302);
  assert.equal((await adminPow.sessions.list(plain.id)).length, 0);

  // The admin.
  const bossAgent = request.agent(app);
  const ok = await signIn(bossAgent, boss.email as string, PASSWORD);
  assert.equal(ok.status, 302, JSON.stringify(ok.body));
  assert.equal(ok.headers.location, '/admin');
  assert.deepEqual((await bossAgent.get('/admin/dashboard')).body, { email: 'boss@example.com' });
  assert.equal((await bossAgent.get('/dashboard')).status, 302, 'an admin session is not a user session');

  // Role taken away (and the sessions told to re-read the account): the guard refuses on the
  // next request; revokeAll ends the admin sessions.
  await db.prisma.user.update({ where: { id: boss.id }, data: { role: null } });
  await adminAuth.refreshUser(boss.id);
  assert.equal((await bossAgent.get('/admin/dashboard')).status, 403);
  await adminPow.sessions.revokeAll(boss.id);
  assert.equal((await bossAgent.get('/admin/dashboard')).status, 302);
});
