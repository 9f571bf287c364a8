#!/usr/bin/env node
// CPU profile of one pow server under a signed-in GET /me load (issue 18: what a request costs).
//
//   node bench/profile-request.mjs <store> [seconds] [out-dir]    store: memory | prisma-sqlite | prisma-pg | redis
//
// Starts bench/servers/pow.mjs with `node --cpu-prof`, signs in, loads it with autocannon (10
// connections) and prints the heaviest functions by self time during the load only (start-up and
// shutdown are cut off by wall time); the .cpuprofile stays in out-dir. BENCH_POW_DIST profiles
// another build.
import autocannon from 'autocannon';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { checkSignedIn, signIn } from './lib/clients.mjs';
import { ensurePrismaClient } from './lib/prisma-client.mjs';
import { startServer } from './lib/proc.mjs';

const [store = 'prisma-sqlite', seconds = '8', outDir = join(tmpdir(), `pow-profile-${Date.now()}`)] =
  process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const env = {
  BENCH_PRISMA_SQLITE: await ensurePrismaClient('sqlite'),
  BENCH_PRISMA_PG: await ensurePrismaClient('postgresql'),
};
const server = await startServer({
  id: `profile-${store}`,
  script: 'pow.mjs',
  args: [store],
  env,
  execArgv: ['--cpu-prof', `--cpu-prof-dir=${outDir}`],
});
let loadStart;
let loadEnd;
try {
  const jar = await signIn.pow(server.url);
  await checkSignedIn(server.url, jar);
  loadStart = performance.now();
  const result = await new Promise((resolve, reject) =>
    autocannon(
      {
        url: `${server.url}/me`,
        connections: 10,
        duration: Number(seconds),
        headers: { cookie: jar.header(), accept: 'application/json' },
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
  loadEnd = performance.now();
  console.log(`${store}: ${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx`);
} finally {
  await server.stop();
}
const exited = performance.now();

// Self time per function (and per package), heaviest first.
const file = readdirSync(outDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile written in ${outDir}`);
const profile = JSON.parse(readFileSync(join(outDir, file), 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
// The profile ends when the server exits: count back from there to the load's window.
const from = profile.endTime - (exited - loadStart) * 1000;
const to = profile.endTime - (exited - loadEnd) * 1000;
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += dt[i] ?? 0;
  if (at < from || at > to) continue;
  const node = byId.get(profile.samples[i]);
  self.set(node, (self.get(node) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fns = new Map();
const pkgs = new Map();
for (const [node, us] of self) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '');
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const pkg = !url
    ? functionName || '(native)'
    : url.includes('node_modules/')
      ? url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
      : url.startsWith('node:')
        ? 'node:' + url.slice(5).split('/')[0]
        : url.includes('/dist/runtime/')
          ? 'pow runtime'
          : url.replace(/^file:\/\//, '').replace(/.*\/bench\//, 'bench/');
  pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(
  `\nprofile ${join(outDir, file)}: ${(total / 1000).toFixed(0)} ms sampled during the load\n\nby package / area:`,
);
for (const [k, us] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(us)}  ${k}`);
console.log('\nby function (self time):');
for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(us)}  ${k}`);
