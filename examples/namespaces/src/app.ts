import path from 'node:path';
import express from 'express';
import { prisma } from './db.js';
import { auth } from './pow/config.js';
import { powRoutes } from './routes/pow.js';
import { auth as adminAuth } from './pow/admin/config.js';
import { powRoutes as adminPowRoutes } from './routes/admin/pow.js';

const app = express();

app.set('view engine', 'ejs');
app.set('views', path.join(import.meta.dirname, '..', 'views'));

app.use(express.urlencoded({ extended: false }));
app.use(auth.middleware());
app.use('/admin', adminAuth.middleware());
app.use('/admin', adminPowRoutes);
app.use(powRoutes);

app.get('/', (_req, res) => {
  res.render('index', { title: 'Home' });
});

// Open to everyone for now; the auth set-up protects it.
app.get('/dashboard', auth.requireAuthenticated, async (_req, res) => {
  const posts = await prisma.post.findMany({ orderBy: { createdAt: 'desc' }, take: 10 });
  res.render('dashboard', { title: 'Dashboard', posts });
});

// #region admin-page
// Admins only: a signed-in user (not an admin) is sent to the admin sign-in page too.
app.get('/admin/dashboard', adminAuth.requireAuthenticated, (req, res) => {
  res.render('admin/dashboard', { title: 'Admin', admin: adminAuth.currentUser(req) });
});
// #endregion admin-page

export default app;
