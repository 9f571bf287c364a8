// The corpus of real apps: fixtures/real-social-media (see its README.md and ./driver.ts).
import { realAppTest } from './driver.js';
import { socialMedia } from './manifests.js';

realAppTest(socialMedia);
