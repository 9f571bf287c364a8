/**
 * Every guide under docs/guides/ does what it says: its example files (examples/<guide>/, the
 * files of the app after the guide's change, which the guide quotes through snippet markers) are
 * copied over a real `pow install` of the SQLite example app, and the outcome the guide promises
 * is checked over HTTP. One install is shared by all guides; each runs in its own copy.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUser } from 'pow';
import type { E2EProject } from '../helpers/e2e-project.js';
import { PASSWORD, installedApp, signIn, start, variant, type RunningGuideApp, type Variant } from './guide-app.js';

let base: E2EProject;
before(async () => {
  base = await installedApp();
});
after(async () => {
  await base?.dispose();
});

/** A copy with the guide's example files, started in-process; stopped and removed after. */
async function run(guide: string | null, body: (app: RunningGuideApp, copy: Variant) => Promise<void>) {
  const copy = variant(base, guide);
  const app = await start(copy);
  try {
    await body(app, copy);
  } finally {
    await app.close();
    copy.remove();
  }
}

describe('guides', () => {
  test('redirect after sign-in: lands on the chosen page, or the one that asked', async () => {
    await run('redirect-after-sign-in', async (app) => {
      await createUser(app.pow, { email: 'ada@example.com', password: PASSWORD });
      const browser = app.browser();
      const res = await signIn(browser, 'ada@example.com', PASSWORD);
      assert.equal(res.status, 302);
      assert.equal(res.location, '/dashboard');

      const signOutPage = await browser.get('/dashboard');
      assert.equal(signOutPage.status, 200);
      const out = await browser.post('/session', {
        _csrf: /name="_csrf" value="([^"]+)"/.exec((await browser.get('/registration/edit')).body)![1],
        _method: 'DELETE',
      });
      assert.equal(out.location, '/', 'afterSignOutPath');

      // A protected page sends the visitor to sign in and back.
      const asked = await browser.get('/dashboard');
      assert.equal(asked.location, '/session/new?request_path=%2Fdashboard');
      const back = await signIn(browser, 'ada@example.com', PASSWORD, '/session/new?request_path=%2Fposts%3Fpage%3D2');
      assert.equal(back.location, '/posts?page=2');
      // Never another origin.
      const browser2 = app.browser();
      const evil = await signIn(browser2, 'ada@example.com', PASSWORD, '/session/new?request_path=%2F%2Fevil.example');
      assert.equal(evil.location, '/dashboard');
    });
  });
});
