// The ceiling: Express 5 answering the same JSON as the others, with no session and no user lookup.
import express from 'express';
import { BENCH_USER, serve, start } from './common.mjs';

start(async () => {
  const app = express();
  app.disable('x-powered-by');
  app.get('/me', (_req, res) => {
    res.json({ id: 1, email: BENCH_USER.email });
  });
  await serve(app);
});
