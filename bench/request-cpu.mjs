// CPU per signed-in request spent in pow, without sockets: the bench's pow-memory app (middleware,
// requireAuthenticated, then nothing or the EJS page) driven in-process with real http request and
// response objects, against the same app without pow. Process CPU time (user + system) over the
// loop ÷ requests; rounds interleaved; medians. Much steadier than req/s on a shared machine,
// since nothing waits for the kernel or the load generator.
//
//   node bench/request-cpu.mjs [--rounds 5] [--requests 20000] [--before path/to/other/dist]
//
// --before adds the same rows for another build of pow (e.g. main's dist/ copied aside), so the
// two are compared in the same process and conditions. Needs `npm run build` first.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { POW_DIST } from './lib/paths.mjs';
import { BENCH_USER, SECRET } from './servers/common.mjs';
import { ITEMS, useViews } from './servers/page.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const ROUNDS = Number(opt('rounds', '5'));
const REQUESTS = Number(opt('requests', '20000'));
const BEFORE = opt('before', undefined);

/** A user table in memory (the delegate methods pow calls): the signed-in GET reads no user row. */
function memoryUsers() {
  const rows = [];
  const match = (row, where) => Object.entries(where).every(([k, v]) => row[k] === v);
  return {
    async findFirst({ where }) {
      const row = rows.find((r) => match(r, where));
      return row ? { ...row } : null;
    },
    async findMany({ where, take }) {
      return rows
        .filter((r) => match(r, where))
        .slice(0, take ?? rows.length)
        .map((r) => ({ ...r }));
    },
    async create({ data }) {
      const row = { id: rows.length + 1, createdAt: new Date(), updatedAt: new Date(), ...data };
      rows.push(row);
      return { ...row };
    },
    async update({ where, data }) {
      const row = rows.find((r) => match(r, where));
      Object.assign(row, data);
      return { ...row };
    },
    async delete({ where }) {
      return rows.splice(
        rows.findIndex((r) => match(r, where)),
        1,
      )[0];
    },
  };
}

let done;
const STATIC_POW = {
  locale: 'en',
  t: (key) => key,
  path: () => '/session',
  csrfToken: 'x'.repeat(64),
  flash: {},
};

function app(auth, page) {
  const a = express();
  a.disable('x-powered-by');
  useViews(a);
  if (auth) a.use(auth.middleware());
  const guard = auth ? [auth.requireAuthenticated] : [];
  a.get('/me', ...guard, (req, res) => {
    if (auth && !req.currentUser) throw new Error('not signed in');
    if (!page) return done();
    const locals = auth
      ? { items: ITEMS }
      : { pow: STATIC_POW, currentUser: { id: 1, email: 'x' }, items: ITEMS };
    res.render('page', locals, (err) => {
      if (err) throw err;
      done();
    });
  });
  a.use((err, _req, _res, _next) => {
    console.error(err);
    process.exit(1);
  });
  return a;
}

/** pow from one build, signed in as the bench does (a session and the sign-in's flash cookie). */
async function powRows(dist, name) {
  const load = (path) => import(pathToFileURL(join(resolve(dist), path)).href);
  const { createPow, memoryStore } = await load('runtime/index.js');
  const { powExpress } = await load('runtime/express/index.js');
  const { sessionFor } = await load('runtime/express/testing.js');
  const { internalsOf } = await load('runtime/express/request-context.js');
  const { encodeAnon } = await load('runtime/express/request-state.js');
  const pow = createPow({
    prisma: { user: memoryUsers() },
    store: memoryStore(),
    secret: SECRET,
    hashing: { insecureTestParameters: true },
  });
  const created = await pow.users.create({
    email: BENCH_USER.email,
    password: BENCH_USER.password,
    password_confirmation: BENCH_USER.password,
  });
  const auth = powExpress(pow, { secureCookies: false, json: true });
  const session = await sessionFor(auth, created.value);
  // The HTTP bench's client keeps the anonymous cookie its sign-in got (the redirect's flash,
  // which a JSON route never shows): the same cookies here.
  const flash = internalsOf(auth).anonSigner.sign(encodeAnon({ f: { info: { k: 'session.signed_in' } } }));
  const cookie = `${session.cookie}; pow_user_anon=${flash}`;
  return [
    { name, app: app(auth, false), cookie },
    { name: `${name}, EJS page`, app: app(auth, true), cookie, page: true },
  ];
}

const socket = new Socket();
function once(target) {
  return new Promise((resolveRequest) => {
    done = resolveRequest;
    const req = new IncomingMessage(socket);
    req.method = 'GET';
    req.url = '/me';
    req.headers = { host: '127.0.0.1', accept: 'application/json', cookie: target.cookie };
    target.app.handle(req, new ServerResponse(req));
  });
}

async function measure(target) {
  const n = target.page ? Math.ceil(REQUESTS / 3) : REQUESTS;
  for (let i = 0; i < 2000; i++) await once(target);
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) await once(target);
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / n;
}

const rows = [
  { name: 'bare Express', app: app(null, false), cookie: '' },
  { name: 'bare Express, EJS page', app: app(null, true), cookie: '', page: true },
  ...(await powRows(POW_DIST, 'pow, memory store')),
  ...(BEFORE ? await powRows(BEFORE, 'pow (--before), memory store') : []),
];
const loadBefore = loadavg();
for (let r = 0; r < ROUNDS; r++) for (const row of rows) (row.samples ??= []).push(await measure(row));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`| in-process signed-in GET (CPU per request, median of ${ROUNDS}) | µs | over bare |`);
console.log('| --- | ---: | ---: |');
for (const row of rows) {
  const us = median(row.samples);
  const bare = median(rows[row.page ? 1 : 0].samples);
  console.log(
    `| ${row.name} | ${us.toFixed(1)} | ${row.samples === rows[0].samples || row === rows[1] ? '' : `+${(us - bare).toFixed(1)}`} |`,
  );
}
console.log(
  `\nload average before ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')}`,
);
process.exit(0);
