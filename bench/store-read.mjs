#!/usr/bin/env node
// CPU per signed-in read of the Prisma store (issue 18): `prismaStore().getLinked` of pow's build,
// optionally of another build (e.g. main's, copied to bench/.tmp), and the same SQL on the driver
// itself (what the Prisma client costs around the query). One database, one Prisma client, 10
// calls in flight, variants interleaved, median of 5 rounds after 2 warm-up rounds.
//
//   node bench/store-read.mjs <sqlite|postgresql> [--calls 2000] [--compare <other dist folder>]
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { POW_DIST } from './lib/paths.mjs';
import { DDL, ensurePrismaClient } from './lib/prisma-client.mjs';
import { PG_URL } from './servers/common.mjs';

const args = process.argv.slice(2);
const provider = args[0];
if (provider !== 'sqlite' && provider !== 'postgresql')
  throw new Error('usage: store-read.mjs <sqlite|postgresql> [--calls n] [--compare dist]');
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const calls = Number(option('--calls') ?? (provider === 'sqlite' ? 2000 : 1000));
const compare = option('--compare');

const { PrismaClient } = await import(pathToFileURL(await ensurePrismaClient(provider)).href);
const linkSql = provider === 'sqlite' ? `json_extract(a."value", '$.rk')` : `(a."value"::json ->> 'rk')`;
const p = (n) => (provider === 'sqlite' ? '?' : `$${n}`);
const sql = `SELECT a."namespace" AS an, a."key" AS ak, a."value" AS av, b."namespace" AS bn, b."key" AS bk, b."value" AS bv
FROM "pow_sessions" a LEFT JOIN "pow_sessions" b
  ON b."namespace" = ${p(1)} AND b."key" = ${linkSql} AND b."expiresAt" > ${p(2)}
WHERE a."namespace" = ${p(3)} AND a."key" = ${p(4)} AND a."expiresAt" > ${provider === 'sqlite' ? '?' : '$2'}`;

const variants = {};
let prisma;
let cleanup;
if (provider === 'sqlite') {
  const dir = mkdtempSync(join(tmpdir(), 'pow-store-read-'));
  const file = join(dir, 'app.db');
  const db = new Database(file);
  for (const statement of DDL.sqlite) db.exec(statement);
  prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  // The adapter's default DateTime encoding (ISO text with +00:00).
  const now = () => new Date().toISOString().replace('Z', '+00:00');
  const prepared = db.prepare(sql);
  variants['same SQL on better-sqlite3, prepared each call'] = async () => {
    const n = now();
    return db.prepare(sql).all('ses', n, 'tok', 'hash1', n)[0]?.bv;
  };
  variants['same SQL on better-sqlite3, prepared once'] = async () => {
    const n = now();
    return prepared.all('ses', n, 'tok', 'hash1', n)[0]?.bv;
  };
  cleanup = async () => {
    db.close();
    await prisma.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  };
} else {
  const name = `pow_store_read_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${PG_URL}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const pool = new pg.Pool({ connectionString: `${PG_URL}/${name}`, max: 10 });
  for (const statement of DDL.postgresql) await pool.query(statement);
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: `${PG_URL}/${name}` }) });
  variants['same SQL on a pg pool'] = async () =>
    (await pool.query(sql, ['ses', new Date(), 'tok', 'hash1'])).rows[0]?.bv;
  cleanup = async () => {
    await pool.end();
    await prisma.$disconnect();
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  };
}

const builds = { [`pow (${POW_DIST})`]: POW_DIST };
if (compare) builds[`pow (${resolve(compare)})`] = resolve(compare);
for (const [label, dist] of Object.entries(builds)) {
  const runtime = await import(pathToFileURL(join(dist, 'runtime/index.js')).href);
  const store = runtime.prismaStore(prisma, { sweepEvery: 0 });
  variants[`${label}: getLinked`] = async () => (await store.getLinked('tok', 'hash1', 'rk', 'ses'))[1];
}
const writer = (await import(pathToFileURL(join(POW_DIST, 'runtime/index.js')).href)).prismaStore(prisma);
await writer.put('tok', 'hash1', { rk: 'u1:s1', sid: 's1' }, 3_600_000);
await writer.put('ses', 'u1:s1', { id: 's1', userId: '1', data: {} }, 3_600_000);

const cpu = {};
async function round(label) {
  const read = variants[label];
  const start = process.cpuUsage();
  let started = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (started++ < calls)
        if (!(await read())) throw new Error(`${label}: the session record was not read`);
    }),
  );
  const used = process.cpuUsage(start);
  (cpu[label] ??= []).push((used.user + used.system) / calls);
}
try {
  for (let r = 0; r < 7; r++) for (const label of Object.keys(variants)) await round(label);
} finally {
  await cleanup();
}
const median = (xs) => xs.slice(2).sort((a, b) => a - b)[2];
console.log(
  `${provider}, ${calls} calls a round, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ')}`,
);
for (const label of Object.keys(variants))
  console.log(`${String(Math.round(median(cpu[label]))).padStart(6)} µs CPU per call  ${label}`);
