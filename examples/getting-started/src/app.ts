import path from 'node:path';
import express from 'express';
import { prisma } from './db.js';
import { auth } from './pow/config.js';
import { powRoutes } from './routes/pow.js';

const app = express();

app.set('view engine', 'ejs');
app.set('views', path.join(import.meta.dirname, '..', 'views'));

app.use(express.urlencoded({ extended: false }));
app.use(auth.middleware());
app.use(powRoutes);

app.get('/', (_req, res) => {
  res.render('index', { title: 'Home' });
});

// #region protect
// Open to everyone for now; the auth set-up protects it.
app.get('/dashboard', auth.requireAuthenticated, async (_req, res) => {
  const posts = await prisma.post.findMany({ orderBy: { createdAt: 'desc' }, take: 10 });
  res.render('dashboard', { title: 'Dashboard', posts });
});
// #endregion protect

export default app;
