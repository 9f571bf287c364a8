// The ceiling: Express 5 answering the same JSON as the others, with no session and no user lookup.
import express from 'express';
import { BENCH_USER, serve, start } from './common.mjs';
import { ITEMS, useViews } from './page.mjs';

// What the page reads from pow's request context, as constants: the ceiling of the page rows.
const STATIC_POW = {
  locale: 'en',
  t: (key) => key,
  path: () => '/session',
  csrfToken: 'x'.repeat(64),
  flash: {},
};

start(async () => {
  const app = express();
  app.disable('x-powered-by');
  app.get('/me', (_req, res) => {
    res.json({ id: 1, email: BENCH_USER.email });
  });
  useViews(app);
  app.get('/page', (_req, res) => {
    res.render('page', { pow: STATIC_POW, currentUser: { id: 1, email: BENCH_USER.email }, items: ITEMS });
  });
  await serve(app);
});
