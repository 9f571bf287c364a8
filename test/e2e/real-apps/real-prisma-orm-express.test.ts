// The corpus of real apps: fixtures/real-prisma-orm-express (see its README.md and ./driver.ts).
import { realAppTest } from './driver.js';
import { prismaOrmExpress } from './manifests.js';

realAppTest(prismaOrmExpress);
