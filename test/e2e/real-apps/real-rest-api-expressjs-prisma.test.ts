// The corpus of real apps: fixtures/real-rest-api-expressjs-prisma (see its README.md and ./driver.ts).
import { realAppTest } from './driver.js';
import { restApiExpressjsPrisma } from './manifests.js';

realAppTest(restApiExpressjsPrisma);
