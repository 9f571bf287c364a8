// The corpus of real apps: fixtures/real-prisma-x-express (see its README.md and ./driver.ts).
import { realAppTest } from './driver.js';
import { prismaXExpress } from './manifests.js';

realAppTest(prismaXExpress);
