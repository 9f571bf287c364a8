// A fresh database with the schema `pow install` adds (see ../lib/prisma-client.mjs) and a Prisma
// client on it: SQLite in the server's scratch folder, or a PostgreSQL database of its own.
// The SQLite file is put in WAL mode by the function `pow migrate` runs on the database it creates
// for an app (dist/prisma/applied-migrations.js), so the bench measures what users get.
import pg from 'pg';
import Database from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DDL } from '../lib/prisma-client.mjs';
import { POW_DIST, REPO } from '../lib/paths.mjs';
import { PG_URL, atCleanup, dataDir, sqliteFile } from './common.mjs';

async function loadClient(envName) {
  const path = process.env[envName];
  if (!path) throw new Error(`${envName} is not set (the harness generates the client)`);
  return (await import(pathToFileURL(path).href)).PrismaClient;
}

/** @param {'sqlite' | 'postgresql'} provider  Closed (and a PostgreSQL database dropped) at stop. */
export async function openPrisma(provider) {
  if (provider === 'sqlite') {
    const file = sqliteFile('app.db');
    const db = new Database(file);
    for (const sql of DDL.sqlite) db.exec(sql);
    db.close();
    const { useWalMode } = await import(pathToFileURL(join(POW_DIST, 'prisma/applied-migrations.js')).href);
    const mode = useWalMode(REPO, `file:${file}`, dataDir());
    if (mode !== 'wal')
      throw new Error(`SQLite journal mode is ${mode}, expected wal (as pow migrate leaves it)`);
    const PrismaClient = await loadClient('BENCH_PRISMA_SQLITE');
    const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
    atCleanup(() => prisma.$disconnect());
    return { prisma };
  }

  const dbName = `pow_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: `${PG_URL}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  atCleanup(async () => {
    const c = new pg.Client({ connectionString: `${PG_URL}/postgres` });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  });
  const url = `${PG_URL}/${dbName}`;
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  for (const sql of DDL.postgresql) await setup.query(sql);
  await setup.end();

  const PrismaClient = await loadClient('BENCH_PRISMA_PG');
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
  atCleanup(() => prisma.$disconnect());
  return { prisma };
}
