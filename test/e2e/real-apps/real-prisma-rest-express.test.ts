// The corpus of real apps: fixtures/real-prisma-rest-express (see its README.md and ./driver.ts).
import { realAppTest } from './driver.js';
import { prismaRestExpress } from './manifests.js';

realAppTest(prismaRestExpress);
