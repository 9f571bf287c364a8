/**
 * Route detection of `pow inspect` (src/inspect/detect-routes.ts) on small projects written into
 * temp folders: routers in several files, ES and CommonJS, mounts, and which routes are API routes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectProject } from '../../src/inspect/inspect-project.js';
import { apiRoutesNote, powPathCollisionsNote } from '../../src/inspect/api-routes-note.js';
import type { ProjectInfo } from '../../src/inspect/project-info.js';
import { writeTempProject } from '../helpers/fixtures.js';

const SCHEMA = `generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "sqlite"
}
`;

async function inspectFiles(files: Record<string, string>, type = 'module'): Promise<ProjectInfo> {
  const project = writeTempProject({
    'package.json': JSON.stringify({
      name: 'routes-app',
      type,
      dependencies: { express: '^5.1.0', '@prisma/client': '7.10.0' },
      devDependencies: { prisma: '7.10.1' },
    }),
    'prisma/schema.prisma': SCHEMA,
    ...files,
  });
  try {
    return await inspectProject(project.dir);
  } finally {
    project.cleanup();
  }
}

const routesOf = (info: ProjectInfo) =>
  info.appRoutes!.routes.map((route) => `${route.method} ${route.path}${route.api ? ' api' : ''}`);

test('follows routers across files and mounts, and tells API routes by path or res.json', async () => {
  const info = await inspectFiles({
    'src/app.ts': `import express from 'express';
import { postsRouter } from './routes/posts.js';
import users from './routes/users.js';
import { create } from './controllers/comments.js';

const app = express();
app.set('env', 'x');
app.get('env');
app.use(express.json());
app.use('/api/posts', postsRouter);
app.use('/users', users);
app.get('/', (_req, res) => res.render('index'));
app.post('/comments', create);
app.route('/feed').get((_req, res) => res.json([])).delete((_req, res) => res.sendStatus(204));
export default app;
`,
    'src/routes/posts.ts': `import { Router } from 'express';
export const postsRouter = Router();
postsRouter.get('/', (_req, res) => res.send('list'));
postsRouter.post('/:id/like', async (req, res) => { res.status(201).send('ok'); });
`,
    'src/routes/users.ts': `import express from 'express';
const router = express.Router();
function list(_req: unknown, res: { json(v: unknown): void }) { res.json([]); }
router.get('/', list);
router.put('/:id', (_req, res) => res.send('plain'));
export default router;
`,
    'src/controllers/comments.ts': `export async function create(req: any, res: any) {
  res.status(201).json({ ok: true });
}
`,
  });
  assert.deepEqual(routesOf(info), [
    'GET /',
    'GET /api/posts api',
    'POST /api/posts/:id/like api',
    'POST /comments api',
    'DELETE /feed',
    'GET /feed api',
    // A router with one JSON route is an API router.
    'GET /users api',
    'PUT /users/:id api',
  ]);
  assert.equal(info.appRoutes!.apiRoutes, 6);
  assert.equal(info.appRoutes!.apiWriteRoutes, 3);
  const posts = info.appRoutes!.routes.find((route) => route.path === '/api/posts/:id/like')!;
  assert.deepEqual([posts.file, posts.line], ['src/routes/posts.ts', 4]);
  assert.match(apiRoutesNote(info.appRoutes!)!, /^pow leaves these 6 API routes \(3 that change data/);
});

test('CommonJS: module.exports routers and inline require mounts; files pow generated are skipped', async () => {
  const info = await inspectFiles(
    {
      'app.js': `const express = require('express');
const app = express();
app.use('/api/v1', require('./routes/items'));
app.use(require('./routes/pow'));
module.exports = app;
`,
      'routes/items.js': `const express = require('express');
const router = express.Router();
router.delete('/:id', (req, res) => res.status(204).end());
module.exports = router;
`,
      'routes/pow.js': `const express = require('express');
const powRoutes = express.Router();
powRoutes.post('/session', (req, res) => res.redirect('/'));
module.exports = powRoutes;
`,
      '.pow/manifest.json': JSON.stringify({ files: { 'routes/pow.js': { ownership: 'owned' } } }),
    },
    'commonjs',
  );
  assert.deepEqual(routesOf(info), ['DELETE /api/v1/:id api']);
});

test('no routes, no note', async () => {
  const info = await inspectFiles({
    'src/app.js': `import express from 'express';\nconst app = express();\nexport default app;\n`,
  });
  assert.deepEqual(info.appRoutes, { routes: [], apiRoutes: 0, apiWriteRoutes: 0 });
  assert.equal(apiRoutesNote(info.appRoutes!), null);
});

test("routes of the app at the paths of pow's pages are named", async () => {
  const info = await inspectFiles({
    'src/app.ts': `import express from 'express';
const app = express();
app.post('/session', (_req, res) => res.json({ token: 'app-login' }));
app.get('/registration/new', (_req, res) => res.send('sign up'));
app.get('/sessionx', (_req, res) => res.send('not pow'));
export default app;
`,
  });
  assert.deepEqual(
    info.appRoutes!.routes.filter((route) => route.powPath).map((route) => `${route.method} ${route.path}`),
    ['GET /registration/new', 'POST /session'],
  );
  assert.equal(
    powPathCollisionsNote(info.appRoutes!),
    "These routes of the app have the paths of pow's pages, which are mounted first and answer them: " +
      'GET /registration/new (src/app.ts:4), POST /session (src/app.ts:3). ' +
      "Move them, or change pow's paths in the generated routes file.",
  );
});
