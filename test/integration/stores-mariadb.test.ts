import { storeContract } from '../helpers/db-store-contract.js';
import { sessionSuite } from '../helpers/db-session-suite.js';
import { createTestDatabase } from '../helpers/prisma-test-client.js';
import { prismaStoreExtras } from '../helpers/db-prisma-store-extras.js';
import { fakeClock, prismaStore } from '../../src/runtime/index.js';

storeContract('Prisma on MariaDB', async () => {
  const db = await createTestDatabase('mysql');
  const clock = fakeClock();
  return {
    store: prismaStore(db.prisma, { clock: clock.now }),
    advance: async (ms) => clock.advance(ms),
    cleanup: () => db.cleanup(),
  };
});

sessionSuite('Prisma on MariaDB', async () => {
  const db = await createTestDatabase('mysql');
  return {
    store: prismaStore(db.prisma),
    prisma: db.prisma,
    dump: async () => JSON.stringify(await db.prisma.powSession.findMany()),
    cleanup: () => db.cleanup(),
  };
});

prismaStoreExtras('mysql');
