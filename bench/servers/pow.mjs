// pow's runtime on Express 5, the way a generated app wires it: createPow + powExpress, the
// sign-in route a generated session controller has (reduced to JSON), and a GET that requires a
// signed-in user. Imports the BUILT package (dist/), so run `npm run build` first.
//
//   node bench/servers/pow.mjs <store>     store: memory | prisma-sqlite | prisma-pg | redis
//
// Users always live in a Prisma database (each session carries a copy of its user, re-read once
// a minute): SQLite, or
// PostgreSQL for `prisma-pg` (sessions in the same database). Hasher: pow's default, argon2id
// m=19456 t=2 p=1 (@node-rs/argon2).
import express from 'express';
import { createClient } from 'redis';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { POW_DIST } from '../lib/paths.mjs';
import { REDIS_URL, SECRET, atCleanup, benchUsers, serve, start } from './common.mjs';
import { openPrisma } from './prisma-db.mjs';
import { counters, countingPrisma, countingStore } from './counting.mjs';
import { ITEMS, useViews } from './page.mjs';

const STORES = ['memory', 'prisma-sqlite', 'prisma-pg', 'redis'];

start(async () => {
  const storeKind = process.argv[2];
  if (!STORES.includes(storeKind)) throw new Error(`usage: pow.mjs <${STORES.join('|')}>`);

  const runtime = await import(pathToFileURL(join(POW_DIST, 'runtime/index.js')).href);
  const { powExpress } = await import(pathToFileURL(join(POW_DIST, 'runtime/express/index.js')).href);

  const db = await openPrisma(storeKind === 'prisma-pg' ? 'postgresql' : 'sqlite');
  let store;
  if (storeKind === 'memory') {
    store = runtime.memoryStore();
  } else if (storeKind === 'redis') {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    const prefix = `powbench-pow-${process.pid}`;
    store = runtime.redisStore(client, { prefix });
    atCleanup(async () => {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 }))
        if (keys.length) await client.del(keys);
      await client.quit();
    });
  } else {
    store = runtime.prismaStore(db.prisma);
  }

  atCleanup(async () => store.close?.());

  // Every store call and user-table query is counted (servers/counting.mjs): one integer each.
  const pow = runtime.createPow({
    prisma: countingPrisma(db.prisma, ['user', 'userCredential']),
    store: countingStore(store),
    secret: SECRET,
    // BENCH_HASH_CONCURRENCY tries another bound on hashes in flight (hashing.concurrency).
    ...(process.env.BENCH_HASH_CONCURRENCY
      ? { hashing: { concurrency: Number(process.env.BENCH_HASH_CONCURRENCY) } }
      : {}),
  });
  const auth = powExpress(pow, { secureCookies: false, json: true });

  for (const user of benchUsers()) {
    const created = await pow.users.create({
      email: user.email,
      password: user.password,
      password_confirmation: user.password,
    });
    if (!created.ok) throw new Error(`could not create ${user.email}: ${JSON.stringify(created.errors)}`);
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(auth.middleware());

  // The routes and session controller `pow install` generates, except that the sign-in page
  // answers its CSRF token as JSON instead of rendering the EJS form (and a failure answers JSON).
  app.get('/session/new', auth.requireNotAuthenticated, auth.page('session', 'new'), (req, res) => {
    res.json({ csrfToken: req.pow.csrfToken });
  });
  app.post(
    '/session',
    auth.requireNotAuthenticated,
    auth.page('session', 'create'),
    async (req, res, next) => {
      try {
        const field = (name) => (typeof req.body?.[name] === 'string' ? req.body[name] : '');
        const result = await auth.signIn(req, res, field('user_id'), field('password'));
        if (!result.ok) return res.status(result.status).json({ error: result.messageKey });
        auth.flash(req, 'info', 'session.signed_in');
        res.redirect(auth.routes.afterSignInPath(req));
      } catch (err) {
        next(err);
      }
    },
  );
  app.get('/me', auth.requireAuthenticated, (req, res) => {
    const user = auth.currentUser(req);
    res.json({ id: user.id, email: user.email });
  });
  // A signed-in page that renders an EJS view (the "signed-in page" rows).
  useViews(app);
  app.get('/page', auth.requireAuthenticated, (req, res) => {
    res.render('page', { items: ITEMS });
  });
  app.use(auth.errorHandler());

  await serve(app, { counters });
});
