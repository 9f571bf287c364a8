/**
 * Existing routes keep working (issue 15, scope 1), end to end: the SQLite example app gets a
 * JSON API and a webhook of its own, then every route is called before `pow install` and again
 * after install + migrate, and must give the same status, content type and body, route by route.
 * Then a user signs up over HTTP, and the API checks requests that carry pow's session cookie
 * (docs/security.md, "Cross-site request forgery").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { RunningApp } from '../helpers/app-process.js';
import { HttpClient, csrfTokenFrom } from '../helpers/http-client.js';
import { bootWithTsx, e2eProject, prismaGenerate } from '../helpers/e2e-project.js';

const FIXTURE = 'express5-ts-esm-sqlite';

/** The app's JSON API, in memory so that two boots answer the same sequence the same way. */
const API = `import express, { type Request, type Response } from 'express';

interface Note {
  id: number;
  text: string;
}

const notes: Note[] = [];
let nextId = 1;

export const api = express.Router();
api.use(express.json());

api.get('/notes', (_req: Request, res: Response) => {
  res.json(notes);
});

api.post('/notes', (req: Request, res: Response) => {
  if (!req.is('application/json')) {
    res.status(415).json({ error: 'send JSON' });
    return;
  }
  const note = { id: nextId++, text: String(req.body?.text ?? '') };
  notes.push(note);
  res.status(201).json(note);
});

function find(req: Request, res: Response): Note | undefined {
  const note = notes.find((candidate) => candidate.id === Number(req.params.id));
  if (!note) res.status(404).json({ error: 'no such note' });
  return note;
}

api.put('/notes/:id', (req: Request, res: Response) => {
  const note = find(req, res);
  if (note) res.json(Object.assign(note, { text: String(req.body?.text ?? '') }));
});

api.patch('/notes/:id', (req: Request, res: Response) => {
  const note = find(req, res);
  if (note) res.json(Object.assign(note, { text: note.text + String(req.body?.append ?? '') }));
});

api.delete('/notes/:id', (req: Request, res: Response) => {
  const note = find(req, res);
  if (!note) return;
  notes.splice(notes.indexOf(note), 1);
  res.status(204).end();
});
`;

const WIRING = `
app.use('/api', api);
// A webhook verifies a signature over the exact bytes it was sent.
app.post('/webhooks/payments', express.raw({ type: '*/*' }), (req, res) => {
  const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  res.json({ length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
});

export default app;
`;

/** Adds the API and the webhook to the app entry (as the team wrote them before pow). */
function addApiRoutes(project: {
  read(path: string): string;
  write(path: string, text: string): void;
}): void {
  project.write('src/api.ts', API);
  const entry = project.read('src/app.ts');
  assert.ok(entry.includes('\nexport default app;\n'));
  project.write(
    'src/app.ts',
    `import { createHash } from 'node:crypto';\nimport { api } from './api.js';\n${entry.replace('\nexport default app;\n', WIRING)}`,
  );
}

interface Answer {
  status: number;
  type: string | null;
  body: string;
  cookies: string[];
}

type Call = [
  label: string,
  method: string,
  path: string,
  init?: { headers?: Record<string, string>; body?: string },
];

const JSON_TYPE = { 'content-type': 'application/json' };
const WEBHOOK = '{"id":"evt_1","amount":100}';

/** Every route of the app, as a client that never signed in calls it, in a fixed order. */
const CALLS: Call[] = [
  ['home page', 'GET', '/'],
  ['list notes (empty)', 'GET', '/api/notes'],
  ['create a note', 'POST', '/api/notes', { headers: JSON_TYPE, body: '{"text":"first"}' }],
  [
    'create a note from another origin (CORS client)',
    'POST',
    '/api/notes',
    { headers: { ...JSON_TYPE, origin: 'https://other.example' }, body: '{"text":"second"}' },
  ],
  [
    'create a note marked cross-site by the browser',
    'POST',
    '/api/notes',
    { headers: { ...JSON_TYPE, 'sec-fetch-site': 'cross-site' }, body: '{"text":"third"}' },
  ],
  [
    'create with a text body (415)',
    'POST',
    '/api/notes',
    { headers: { 'content-type': 'text/plain' }, body: 'x' },
  ],
  [
    'create with a form body (415)',
    'POST',
    '/api/notes',
    { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=x&_method=DELETE' },
  ],
  ['replace a note', 'PUT', '/api/notes/1', { headers: JSON_TYPE, body: '{"text":"replaced"}' }],
  ['patch a note', 'PATCH', '/api/notes/1', { headers: JSON_TYPE, body: '{"append":"!"}' }],
  ['delete a note', 'DELETE', '/api/notes/2'],
  ['delete a missing note (404)', 'DELETE', '/api/notes/99', { headers: { accept: 'application/json' } }],
  ['list notes', 'GET', '/api/notes'],
  ['webhook', 'POST', '/webhooks/payments', { headers: JSON_TYPE, body: WEBHOOK }],
  ['unknown path', 'POST', '/api/nowhere', { headers: JSON_TYPE, body: '{}' }],
];

async function call(baseUrl: string, [, method, path, init]: Call, cookie?: string): Promise<Answer> {
  const headers = { ...init?.headers, ...(cookie ? { cookie } : {}) };
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    body: init?.body,
    redirect: 'manual',
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.text(),
    cookies: response.headers.getSetCookie(),
  };
}

async function callAll(baseUrl: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const entry of CALLS) answers.push(await call(baseUrl, entry));
  return answers;
}

test(`the routes of ${FIXTURE} with a JSON API answer the same after pow install`, async (t) => {
  const project = await e2eProject(FIXTURE, 'sqlite');
  let app: RunningApp | null = null;
  t.after(async () => {
    await app?.stop();
    await project.dispose();
  });
  addApiRoutes(project);
  await prismaGenerate(project);

  app = await bootWithTsx(project, 'src/server.ts');
  const before = await callAll(app.url);
  await app.stop();
  app = null;

  await t.test('inspect finds the API routes and says what pow does with them', async () => {
    const json = await project.pow(['inspect', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const info = JSON.parse(json.stdout) as {
      appRoutes: {
        routes: Array<{ method: string; path: string; api: boolean }>;
        apiRoutes: number;
        apiWriteRoutes: number;
      };
    };
    const api = info.appRoutes.routes
      .filter((route) => route.api)
      .map((route) => `${route.method} ${route.path}`);
    assert.deepEqual(api.sort(), [
      'DELETE /api/notes/:id',
      'GET /api/notes',
      'PATCH /api/notes/:id',
      'POST /api/notes',
      'POST /webhooks/payments',
      'PUT /api/notes/:id',
    ]);
    assert.equal(info.appRoutes.apiWriteRoutes, 5);
    const human = await project.pow(['inspect']);
    assert.match(
      human.stdout,
      /pow leaves these 6 API routes \(5 that change data: POST, PUT, PATCH, DELETE\) alone/,
    );
  });

  await t.test('install says it too', async () => {
    const res = await project.pow(['install', '--yes']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /pow leaves these 6 API routes .* alone for clients without its cookie; requests that carry pow's session cookie need a CSRF token/,
    );
    const migrated = await project.pow(['migrate']);
    assert.equal(migrated.code, 0, migrated.stderr);
    await prismaGenerate(project);
  });

  app = await bootWithTsx(project, 'src/server.ts');
  const after = await callAll(app.url);

  await t.test('route by route: the same status, content type and body; no cookie', () => {
    // The app itself works: these are the answers to keep, not a row of errors.
    assert.deepEqual(
      before.map((answer) => answer.status),
      [200, 200, 201, 201, 201, 415, 415, 200, 200, 204, 404, 200, 200, 404],
    );
    CALLS.forEach(([label, method, path], index) => {
      const was = before[index]!;
      const is = after[index]!;
      const name = `${label} (${method} ${path})`;
      assert.equal(is.status, was.status, `${name}: status`);
      assert.equal(is.type, was.type, `${name}: content type`);
      assert.equal(is.body, was.body, `${name}: body`);
      assert.deepEqual(is.cookies, [], `${name}: no cookie`);
    });
    const webhook = JSON.parse(after[CALLS.findIndex(([label]) => label === 'webhook')]!.body) as {
      sha256: string;
    };
    assert.equal(webhook.sha256, createHash('sha256').update(WEBHOOK).digest('hex'));
  });

  await t.test('with pow’s session cookie, the API needs a same-origin browser or a token', async () => {
    const browser = new HttpClient(app!.url);
    const password = 'purple-otter-maps-42-quietly';
    const page = await browser.get('/registration/new');
    const registered = await browser.post('/registration', {
      _csrf: csrfTokenFrom(page.body),
      email: 'api@example.com',
      password,
      password_confirmation: password,
    });
    assert.equal(registered.status, 302, registered.body.slice(0, 500));
    const cookie = browser.cookieHeader();
    const create: Call = ['create', 'POST', '/api/notes', { headers: JSON_TYPE, body: '{"text":"mine"}' }];

    const forged = await call(
      app!.url,
      [
        '',
        'POST',
        '/api/notes',
        { headers: { ...JSON_TYPE, origin: 'https://evil.example' }, body: '{"text":"forged"}' },
      ],
      cookie,
    );
    assert.equal(forged.status, 403);
    assert.match(forged.type ?? '', /application\/json/);
    assert.equal((JSON.parse(forged.body) as { error: { code: number } }).error.code, 403);

    const sameOrigin = await call(
      app!.url,
      [
        '',
        'POST',
        '/api/notes',
        { headers: { ...JSON_TYPE, 'sec-fetch-site': 'same-origin' }, body: '{"text":"mine"}' },
      ],
      cookie,
    );
    assert.equal(sameOrigin.status, 201);

    const formWithoutToken = await call(app!.url, ['', 'DELETE', '/api/notes/1'], cookie);
    assert.equal(formWithoutToken.status, 403, 'no body type, no Origin, no token');

    const json = await call(app!.url, create, cookie);
    assert.equal(json.status, 201, 'JSON needs a CORS preflight: it passes');
  });
});
