import path from 'node:path';
import express from 'express';
import { prisma } from './db.js';
import { auth } from './pow/config.js';
import { powRoutes } from './routes/pow.js';
import { api } from './api.js';

const app = express();

app.set('view engine', 'ejs');
app.set('views', path.join(import.meta.dirname, '..', 'views'));

app.use(express.urlencoded({ extended: false }));
// #region mount
// Before pow's middleware: the API authenticates with tokens, not with the session cookie (and
// so needs no CSRF token).
app.use('/api', api);
// #endregion mount
app.use(auth.middleware());
app.use(powRoutes);

app.get('/', (_req, res) => {
  res.render('index', { title: 'Home' });
});

// Signed-in users only.
app.get('/dashboard', auth.requireAuthenticated, async (_req, res) => {
  const posts = await prisma.post.findMany({ orderBy: { createdAt: 'desc' }, take: 10 });
  res.render('dashboard', { title: 'Dashboard', posts });
});

export default app;
