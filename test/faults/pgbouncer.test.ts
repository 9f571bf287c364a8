/**
 * The PostgreSQL store through PgBouncer in transaction mode (issue 17, "Scale-out"): Debian's
 * pgbouncer on a free port in front of the shared PostgreSQL (a fresh database per suite; the
 * server is not stopped or paused). The Prisma client uses pow's `pgPoolOptions` as the generated
 * database module does; the store contract (atomic counters and locks included) and the session
 * suite hold through the pooler, where consecutive statements of one client may run on different
 * server connections.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { fakeClock, pgPoolOptions, prismaStore } from '../../src/runtime/index.js';
import { storeContract } from '../helpers/db-store-contract.js';
import { sessionSuite } from '../helpers/db-session-suite.js';
import { createTestDatabase } from '../helpers/prisma-test-client.js';
import { privatePgBouncer, type PrivatePgBouncer } from '../helpers/fault-servers.js';

const { connectionString: _, ...POOL } = pgPoolOptions('postgresql://unused');

describe('PgBouncer in transaction mode (private pooler)', () => {
  let bouncer: PrivatePgBouncer;
  before(async () => {
    bouncer = await privatePgBouncer();
  });
  after(async () => {
    await bouncer?.destroy();
  });

  it('pools in transaction mode, and the client passes through it with pgPoolOptions', async () => {
    const admin = new pg.Client({ connectionString: bouncer.url.replace(/\/postgres$/, '/pgbouncer') });
    await admin.connect();
    try {
      const { rows } = await admin.query('SHOW CONFIG');
      const mode = rows.find((row: { key: string }) => row.key === 'pool_mode') as { value: string };
      assert.equal(mode.value, 'transaction');
    } finally {
      await admin.end();
    }
    const client = new pg.Client(pgPoolOptions(bouncer.url));
    await client.connect();
    try {
      assert.equal((await client.query('SELECT 1 AS one')).rows[0].one, 1);
    } finally {
      await client.end();
    }
  });
});

// One pooler for the store suites below (each makes its own database through it).
let shared: Promise<PrivatePgBouncer> | undefined;
const pooler = () => (shared ??= privatePgBouncer());
const stopPooler = async () => {
  const running = shared;
  shared = undefined;
  await (await running)?.destroy();
};

storeContract('Prisma on PostgreSQL through PgBouncer (transaction mode)', async () => {
  const bouncer = await pooler();
  const db = await createTestDatabase('postgresql', { pgUrl: bouncer.url, pgPool: POOL });
  const clock = fakeClock();
  return {
    store: prismaStore(db.prisma, { clock: clock.now }),
    advance: async (ms) => clock.advance(ms),
    async cleanup() {
      await db.cleanup();
    },
  };
});

sessionSuite('Prisma on PostgreSQL through PgBouncer (transaction mode)', async () => {
  const bouncer = await pooler();
  const db = await createTestDatabase('postgresql', { pgUrl: bouncer.url, pgPool: POOL });
  return {
    store: prismaStore(db.prisma),
    prisma: db.prisma,
    dump: async () => JSON.stringify(await db.prisma.powSession.findMany()),
    async cleanup() {
      await db.cleanup();
      await stopPooler();
    },
  };
});
