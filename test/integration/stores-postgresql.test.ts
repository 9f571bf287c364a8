import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeContract } from '../helpers/db-store-contract.js';
import { sessionSuite } from '../helpers/db-session-suite.js';
import { createTestDatabase, generatedClient } from '../helpers/prisma-test-client.js';
import { prismaStoreExtras } from '../helpers/db-prisma-store-extras.js';
import { fakeClock, prismaStore } from '../../src/runtime/index.js';
import { boundedStore, createDeadline } from '../../src/runtime/stores/deadline.js';
import { StoreUnavailableError } from '../../src/runtime/stores/unavailable-error.js';

storeContract('Prisma on PostgreSQL', async () => {
  const db = await createTestDatabase('postgresql');
  const clock = fakeClock();
  return {
    store: prismaStore(db.prisma, { clock: clock.now }),
    advance: async (ms) => clock.advance(ms),
    cleanup: () => db.cleanup(),
  };
});

sessionSuite('Prisma on PostgreSQL', async () => {
  const db = await createTestDatabase('postgresql');
  return {
    store: prismaStore(db.prisma),
    prisma: db.prisma,
    dump: async () => JSON.stringify(await db.prisma.powSession.findMany()),
    cleanup: () => db.cleanup(),
  };
});

prismaStoreExtras('postgresql');

describe('Prisma store on an unreachable PostgreSQL', () => {
  it('getLinked (one raw query) fails as StoreUnavailableError, as the model-API reads do (503)', async () => {
    const { PrismaClient } = await generatedClient('postgresql');
    const { PrismaPg } = await import('@prisma/adapter-pg');
    // Port 1: nothing listens there, so the connection is refused at once.
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: 'postgresql://postgres@127.0.0.1:1/none' }),
    });
    const store = boundedStore(prismaStore(prisma), createDeadline(5000));
    try {
      for (const read of [() => store.getLinked!('t', 'k', 'rk', 's'), () => store.get('t', 'k')]) {
        await assert.rejects(read(), (error: unknown) => {
          assert.ok(error instanceof StoreUnavailableError, String(error));
          assert.equal(error.status, 503);
          return true;
        });
      }
    } finally {
      await prisma.$disconnect().catch(() => {});
    }
  });
});
