import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createExtHarness, seedUser, type ExtHarness, type StoreKind } from '../helpers/prisma-ext-client.js';
import {
  describeUserAgent,
  listDevices,
  rememberMeData,
  revokeDeviceSession,
  revokeOtherDevices,
  revokeRememberedDevice,
} from '../../src/runtime/extensions/sessions.js';
import { hashToken } from '../../src/runtime/extensions/tokens.js';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('describeUserAgent', () => {
  it('names the browser (major version) and the OS', () => {
    assert.deepEqual(describeUserAgent(FIREFOX), { browser: 'Firefox 128', os: 'Windows 10' });
    assert.deepEqual(describeUserAgent(SAFARI_IPHONE), { browser: 'Safari 17', os: 'iOS' });
  });

  it('says nothing for a missing, empty or meaningless agent', () => {
    assert.deepEqual(describeUserAgent(undefined), { browser: null, os: null });
    assert.deepEqual(describeUserAgent('   '), { browser: null, os: null });
    assert.deepEqual(describeUserAgent('curl-ish/0'), { browser: null, os: null });
  });
});

for (const kind of ['memory', 'redis', 'prisma'] as StoreKind[]) {
  describe(`sessions extension (${kind} store)`, () => {
    let h: ExtHarness;
    before(async () => {
      h = await createExtHarness({ store: kind, extensions: ['persistent-session', 'sessions'] });
    });
    after(async () => {
      await h?.close();
    });

    it('lists sessions (this one first) and remember-me tokens without any token in the list', async () => {
      const user = await seedUser(h, 'list@example.com');
      const here = await h.pow.sessions.create(user, { userAgent: FIREFOX });
      h.clock.advance(1000);
      const there = await h.pow.sessions.create(user, { userAgent: SAFARI_IPHONE });
      const remembered = (await h.ext.issueRememberMe(
        user,
        rememberMeData(SAFARI_IPHONE, there.session.id),
      ))!;
      const list = await listDevices(h.pow, user.id, {
        sessionId: here.session.id,
        rememberHash: null,
      });
      assert.deepEqual(
        list.sessions.map((s) => [s.id, s.browser, s.os, s.current]),
        [
          [here.session.id, 'Firefox 128', 'Windows 10', true],
          [there.session.id, 'Safari 17', 'iOS', false],
        ],
      );
      assert.equal(list.rememberMe.length, 1);
      assert.equal(list.rememberMe[0]!.browser, 'Safari 17');
      const text = JSON.stringify(list);
      for (const secret of [here.token, there.token, remembered.token, hashToken(remembered.token)]) {
        assert.ok(!text.includes(secret), 'no token, and no store key of one, in the list');
      }
    });

    it('revoking a session also revokes the remember-me token that started it', async () => {
      const user = await seedUser(h, 'revoke@example.com');
      const other = await h.pow.sessions.create(user, { userAgent: FIREFOX });
      const keep = await h.pow.sessions.create(user, { userAgent: FIREFOX });
      const linked = (await h.ext.issueRememberMe(user, rememberMeData(FIREFOX, other.session.id)))!;
      const unrelated = (await h.ext.issueRememberMe(user, rememberMeData(FIREFOX, keep.session.id)))!;
      assert.equal(await revokeDeviceSession(h.pow, user.id, other.session.id), true);
      assert.equal(await h.pow.sessions.load(other.token), null);
      assert.equal(await h.ext.useRememberMe(linked.token), null, 'that browser is not signed back in');
      assert.ok(await h.pow.sessions.load(keep.token));
      assert.ok(await h.ext.useRememberMe(unrelated.token), "another browser's token stays");
    });

    it("an id of another user's session, or an unknown id, changes nothing", async () => {
      const ada = await seedUser(h, 'ada-s@example.com');
      const grace = await seedUser(h, 'grace-s@example.com');
      const graceSession = await h.pow.sessions.create(grace);
      const graceToken = (await h.ext.issueRememberMe(
        grace,
        rememberMeData(FIREFOX, graceSession.session.id),
      ))!;
      assert.equal(await revokeDeviceSession(h.pow, ada.id, graceSession.session.id), false);
      assert.equal(await revokeDeviceSession(h.pow, ada.id, 'nope'), false);
      assert.equal(await revokeDeviceSession(h.pow, ada.id, { id: 1 }), false);
      const [graceDevice] = (await listDevices(h.pow, grace.id, { sessionId: null, rememberHash: null }))
        .rememberMe;
      assert.equal(await revokeRememberedDevice(h.pow, ada.id, graceDevice!.id), false);
      assert.ok(await h.pow.sessions.load(graceSession.token));
      assert.ok(await h.ext.useRememberMe(graceToken.token));
    });

    it('"everywhere else" keeps this session and this browser\'s own remember-me token', async () => {
      const user = await seedUser(h, 'others@example.com');
      const mine = await h.pow.sessions.create(user);
      const myToken = (await h.ext.issueRememberMe(user, rememberMeData(FIREFOX, mine.session.id)))!;
      const theirs = await h.pow.sessions.create(user);
      const theirToken = (await h.ext.issueRememberMe(user, rememberMeData(FIREFOX, theirs.session.id)))!;
      await revokeOtherDevices(h.pow, user.id, mine.token, myToken.token);
      assert.ok(await h.pow.sessions.load(mine.token));
      assert.equal(await h.pow.sessions.load(theirs.token), null);
      assert.equal(await h.ext.useRememberMe(theirToken.token), null);
      assert.ok(await h.ext.useRememberMe(myToken.token));
    });
  });
}
