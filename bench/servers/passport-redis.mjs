// The usual hand-built Express stack: express-session with connect-redis (node-redis client),
// passport-local, the user re-read through Prisma (SQLite) on each request in deserializeUser,
// argon2id like pow for the one sign-in it does.
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { hash, verify } from '@node-rs/argon2';
import { BENCH_USER, REDIS_URL, SECRET, atCleanup, serve, start } from './common.mjs';
import { openPrisma } from './prisma-db.mjs';

start(async () => {
  const { prisma } = await openPrisma('sqlite');
  await prisma.user.create({
    data: {
      email: BENCH_USER.email,
      // The hash lives in the credential row, as in the schema pow installs (the same tables).
      credential: {
        create: {
          passwordHash: await hash(BENCH_USER.password, {
            algorithm: 2,
            memoryCost: 19456,
            timeCost: 2,
            parallelism: 1,
          }),
        },
      },
    },
  });

  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  const prefix = `powbench:passport:${process.pid}:`;
  atCleanup(async () => {
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
      if (keys.length) await redis.del(keys);
    await redis.quit();
  });

  passport.use(
    new LocalStrategy({ usernameField: 'email' }, async (email, password, done) => {
      try {
        const user = await prisma.user.findUnique({ where: { email }, include: { credential: true } });
        const stored = user?.credential?.passwordHash;
        if (!stored || !(await verify(stored, password))) return done(null, false);
        return done(null, { id: user.id, email: user.email });
      } catch (err) {
        return done(err);
      }
    }),
  );
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser(async (id, done) => {
    try {
      const user = await prisma.user.findUnique({ where: { id }, select: { id: true, email: true } });
      done(null, user ?? false);
    } catch (err) {
      done(err);
    }
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(
    session({
      store: new RedisStore({ client: redis, prefix }),
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', maxAge: 14 * 24 * 3600 * 1000 },
    }),
  );
  app.use(passport.session());

  app.post('/login', (req, res, next) => {
    passport.authenticate('local', (err, user) => {
      if (err) return next(err);
      if (!user) return res.status(401).json({ error: 'invalid' });
      req.login(user, (e) => (e ? next(e) : res.json({ id: user.id })));
    })(req, res, next);
  });
  app.get('/me', (req, res) => {
    if (!req.isAuthenticated()) return res.status(401).json({ error: 'unauthenticated' });
    res.json({ id: req.user.id, email: req.user.email });
  });

  await serve(app);
});
