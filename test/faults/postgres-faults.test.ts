/**
 * PostgreSQL stopped and paused under load (issue 17, items 1–3), on a private cluster from
 * `initdb` + `pg_ctl` on a free port (the shared server on 5432 is never touched). Sessions,
 * throttle counters and users all live in it (prismaStore), and the client uses the pool and
 * statement timeouts pow recommends for the generated database module (`pgPoolOptions`).
 * Same promises as the Redis faults test: 200/302/503 only, deadline + 1 s, nothing protected
 * served while the database is paused, recovery within 5 s. CYCLES: see redis-faults.test.ts.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pgPoolOptions, prismaStore } from '../../src/runtime/index.js';
import type { Store } from '../../src/runtime/core/types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/prisma-test-client.js';
import { privatePostgres, type PrivatePostgres } from '../helpers/fault-servers.js';
import { createUsers, faultApp, faultCycle, timeToRecover, type FaultApp } from '../helpers/fault-load.js';

const CYCLES = Number(process.env.POW_FAULT_CYCLES ?? 3);
const DEADLINE_MS = 1000;
const OUTAGE_MS = 2500;

describe('PostgreSQL faults under load (private cluster)', () => {
  let pg: PrivatePostgres;
  let db: TestDatabase;
  let store: Store;
  let app: FaultApp;
  const emails = Array.from({ length: 6 }, (_, i) => `pg-fault-${i}@example.com`);

  before(async () => {
    pg = await privatePostgres();
    const { connectionString: _, ...pool } = pgPoolOptions(pg.url);
    db = await createTestDatabase('postgresql', { pgUrl: pg.url, pgPool: pool });
    store = prismaStore(db.prisma);
    await createUsers(db.prisma, store, [...emails, 'probe@example.com']);
    app = await faultApp({ store, prisma: db.prisma, storeTimeoutMs: DEADLINE_MS });
    assert.ok((await timeToRecover(app, 'probe@example.com', 30_000)) < 30_000);
  });
  after(async () => {
    await app?.close();
    pg?.resume();
    await db?.cleanup().catch(() => {});
    await pg?.destroy();
  });

  const cycle = (label: string, fault: () => Promise<void> | void, heal: () => Promise<void> | void) =>
    faultCycle(
      { app, emails, probe: 'probe@example.com', deadlineMs: DEADLINE_MS, outageMs: OUTAGE_MS },
      label,
      fault,
      heal,
      label.startsWith('pause')
        ? (from, to, samples) => {
            const inside = samples.filter((s) => s.what === 'page' && s.start > from + 50 && s.end < to);
            assert.ok(
              inside.every((s) => !s.served),
              'a protected page was served while its session could not be read',
            );
          }
        : undefined,
    );

  it(`stopped (immediate) and started: ${CYCLES} cycles`, async () => {
    for (let i = 0; i < CYCLES; i++)
      await cycle(
        `stop #${i + 1}`,
        () => pg.stop(),
        () => pg.start(),
      );
  });

  it(`paused (SIGSTOP on every process of the cluster) and resumed: ${CYCLES} cycles`, async () => {
    for (let i = 0; i < CYCLES; i++)
      await cycle(
        `pause #${i + 1}`,
        () => pg.pause(),
        () => pg.resume(),
      );
  });
});
