// Better Auth 1.7 on SQLite (better-sqlite3, its built-in Kysely adapter), email + password, its
// defaults otherwise: scrypt hasher, no cookie cache (each session check reads the database).
// Rate limiting is turned OFF (on by default in production: 3 sign-ins per 10 s per address),
// or a throughput benchmark from one address would measure 429s.
import express from 'express';
import Database from 'better-sqlite3';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import { SECRET, atCleanup, benchUsers, serve, sqliteFile, start } from './common.mjs';

start(async () => {
  const db = new Database(sqliteFile('better-auth.db'));
  atCleanup(() => db.close());
  const options = {
    baseURL: 'http://127.0.0.1',
    secret: SECRET,
    database: db,
    emailAndPassword: { enabled: true },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { level: 'error' },
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  const auth = betterAuth(options);
  for (const user of benchUsers())
    await auth.api.signUpEmail({ body: { email: user.email, password: user.password, name: user.name } });

  const app = express();
  app.disable('x-powered-by');
  app.all('/api/auth/*splat', toNodeHandler(auth));
  app.get('/me', async (req, res, next) => {
    try {
      const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
      if (!session) return res.status(401).json({ error: 'unauthenticated' });
      res.json({ id: session.user.id, email: session.user.email });
    } catch (err) {
      next(err);
    }
  });

  await serve(app);
});
