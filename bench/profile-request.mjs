// Where a signed-in request's CPU goes: starts one request-bench server under `node --cpu-prof`,
// signs in as the bench does, loads the path with autocannon, stops the server (which writes the
// profile) and prints the functions with the most self time, pow's own marked.
//
//   node bench/profile-request.mjs [--server pow-memory] [--duration 8] [--top 40] [--out dir]
//
// Needs `npm run build` first (the servers import dist/). The .cpuprofile stays in --out
// (default bench/.tmp/profiles) for Chrome DevTools or speedscope.
import autocannon from 'autocannon';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkSignedIn, signIn } from './lib/clients.mjs';
import { BENCH_TMP } from './lib/paths.mjs';
import { ensurePrismaClient } from './lib/prisma-client.mjs';
import { startServer } from './lib/proc.mjs';
import { REQUEST_SERVERS } from './sections/request.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const id = opt('server', 'pow-memory');
const durationS = Number(opt('duration', '8'));
const top = Number(opt('top', '40'));
const out = resolve(opt('out', join(BENCH_TMP, 'profiles')));
const row = REQUEST_SERVERS.find((s) => s.id === id);
if (!row) throw new Error(`no request server "${id}" (${REQUEST_SERVERS.map((s) => s.id).join(', ')})`);

mkdirSync(out, { recursive: true });
const before = new Set(readdirSync(out));
const server = await startServer({
  id,
  script: row.script,
  args: row.args,
  env: {
    BENCH_PRISMA_SQLITE: await ensurePrismaClient('sqlite'),
    BENCH_PRISMA_PG: await ensurePrismaClient('postgresql'),
  },
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${out}`, '--cpu-prof-interval=100'],
});
let requests = 0;
try {
  const jar = await signIn[row.client](server.url);
  await checkSignedIn(server.url, jar);
  const run = (seconds) =>
    new Promise((done, fail) =>
      autocannon(
        {
          url: `${server.url}${row.path ?? '/me'}`,
          connections: 50,
          duration: seconds,
          headers: { cookie: jar.header(), accept: 'application/json' },
        },
        (err, result) => (err ? fail(err) : done(result)),
      ),
    );
  await run(2); // warm-up: let the JIT settle, as the bench does
  const result = await run(durationS);
  requests = result.requests.total;
  if (result.non2xx)
    throw new Error(`${result.non2xx} non-2xx answers: the profile would not be of a signed-in request`);
} finally {
  await server.stop();
}

const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
if (!file) throw new Error(`no profile written in ${out}`);
const profile = JSON.parse(readFileSync(join(out, file), 'utf8'));

// Self time per function (name + file + line), from the sample deltas; and pow's share: each
// sample whose stack has a frame of dist/runtime is charged to the deepest such frame (that pow
// function plus whatever of Node's or a library's it called). A sample whose stack reaches the
// router, Express or the app's own code before a pow frame is not pow's (pow called `next()`).
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const labelOf = ({ functionName, url, lineNumber }) => {
  const where = url
    ? `${url
        .replace(/^file:\/\//, '')
        .replace(/^.*node_modules\//, '')
        .replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}`
    : '';
  return `${functionName || '(anonymous)'} ${where}`;
};
const isPow = (node) => /\/dist\/runtime\//.test(node.callFrame.url);
const isBoundary = (node) => /node_modules\/(router|express)\/|\/bench\/servers\//.test(node.callFrame.url);
const self = new Map();
const powDeepest = new Map();
let total = 0;
let powTotal = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const key = labelOf(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + dt);
  for (let id = node.id; id !== undefined; id = parentOf.get(id)) {
    const frame = byId.get(id);
    if (isBoundary(frame)) break;
    if (isPow(frame)) {
      const powKey = labelOf(frame.callFrame);
      powDeepest.set(powKey, (powDeepest.get(powKey) ?? 0) + dt);
      powTotal += dt;
      break;
    }
  }
}
const perRequest = (us) => (requests ? (us / requests).toFixed(1) : '?');
const print = (title, map) => {
  console.log(title);
  console.log('   ms  share  µs/req  function');
  for (const [key, us] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const mark = / dist\/runtime\//.test(key) ? '*' : ' ';
    console.log(
      `${(us / 1000).toFixed(0).padStart(5)}  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${perRequest(us).padStart(6)} ${mark}${key}`,
    );
  }
};
console.log(`${id}: ${requests} requests in the measured run; profile ${join(out, file)}`);
console.log(`(the profile spans start-up and warm-up too; µs/req divides by the measured requests)`);
console.log(
  `inside pow (dist/runtime frames and what they call): ${perRequest(powTotal)} µs/req, ${((100 * powTotal) / total).toFixed(1)}% of the profile`,
);
print('\nSelf time (* = pow)', self);
print('\nInside pow, by the deepest pow frame (with the Node or library code it called)', powDeepest);
