// The corpus of real apps: fixtures/real-hello-prisma (see its README.md and ./driver.ts).
import { realAppTest } from './driver.js';
import { helloPrisma } from './manifests.js';

realAppTest(helloPrisma);
