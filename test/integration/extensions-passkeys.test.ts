/**
 * The passkeys runtime (extensions/passkeys) on real databases (SQLite, PostgreSQL), with a
 * software authenticator (test/helpers/soft-authenticator.ts) that signs real WebAuthn responses:
 * registration and passwordless sign-in work, and pow refuses a challenge used twice, an expired
 * one, one from another browser or issued to another user, a wrong origin, a counter that did not
 * go up, and a credential it does not know. Removal is the owner's only.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type Provider, type TestDatabase } from '../helpers/prisma-test-client.js';
import { softAuthenticator } from '../helpers/soft-authenticator.js';
import { createPow, fakeClock, memoryStore, type FakeClock } from '../../src/runtime/index.js';
import type { Pow, UserRecord } from '../../src/runtime/core/types.js';
import {
  createPasskeyService,
  DEFAULT_CHALLENGE_TTL_MS,
  relyingPartyOf,
  type PasskeyService,
} from '../../src/runtime/extensions/passkeys/index.js';

const ORIGIN = 'https://app.example.com';
const RP = relyingPartyOf(ORIGIN);
const SECRET = 'passkeys-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

for (const provider of ['sqlite', 'postgresql'] as Provider[]) {
  describe(`passkeys on ${provider}`, () => {
    let db: TestDatabase;
    let pow: Pow;
    let clock: FakeClock;
    let passkeys: PasskeyService;
    let seq = 0;
    const user = async (): Promise<UserRecord> => {
      const row = (await db.prisma.user.create({ data: { email: `pk${++seq}@example.com` } })) as UserRecord;
      return row;
    };
    const binding = () => `browser-${++seq}-0123456789abcdefghijklmnopqrstuv`;

    /** A user with one registered passkey, and the authenticator holding it. */
    const registered = async (counter = 0) => {
      const owner = await user();
      const device = softAuthenticator(counter);
      const browser = binding();
      const options = await passkeys.registrationOptions(owner, browser, owner.email as string);
      const result = await passkeys.register(owner, browser, device.register(options, ORIGIN), 'Laptop');
      assert.equal(result.ok, true, JSON.stringify(result));
      return { owner, device };
    };
    const signIn = async (device: ReturnType<typeof softAuthenticator>, origin = ORIGIN) => {
      const browser = binding();
      const options = await passkeys.signInOptions(browser);
      return passkeys.signIn(browser, device.authenticate(options, origin, RP.id));
    };

    before(async () => {
      db = await createTestDatabase(provider);
      clock = fakeClock(Date.now());
      pow = createPow({
        prisma: db.prisma,
        store: memoryStore(),
        secret: SECRET,
        clock: clock.now,
        extensions: ['passkeys'],
        hashing: { insecureTestParameters: true },
      });
      passkeys = createPasskeyService(pow, { prisma: db.prisma, relyingParty: () => RP });
    });
    after(() => db.cleanup());

    test('registers a discoverable passkey and signs its owner in without a password', async () => {
      const { owner, device } = await registered();
      const browser = binding();
      const options = await passkeys.signInOptions(browser);
      assert.deepEqual(options.allowCredentials, [], 'no user named: the authenticator offers its passkeys');
      assert.equal(options.userVerification, 'preferred');
      assert.equal(options.rpId, 'app.example.com');
      const result = await passkeys.signIn(browser, device.authenticate(options, ORIGIN, RP.id));
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.userId, owner.id);
      const [listed] = await passkeys.list(owner.id);
      assert.equal(listed!.label, 'Laptop');
      assert.ok(listed!.lastUsedAt instanceof Date, 'the use is recorded');
      assert.deepEqual(Object.keys(listed!).sort(), ['createdAt', 'id', 'label', 'lastUsedAt']);
    });

    test('registration options ask for a resident key and exclude the passkeys the user has', async () => {
      const { owner, device } = await registered();
      const options = await passkeys.registrationOptions(owner, binding(), owner.email as string);
      const selection = options.authenticatorSelection as Record<string, unknown>;
      assert.equal(selection.residentKey, 'required');
      assert.equal(selection.userVerification, 'preferred');
      assert.deepEqual(
        (options.excludeCredentials as { id: string }[]).map((c) => c.id),
        [device.id],
      );
      assert.notEqual((options.user as { id: string }).id, String(owner.id), 'the user handle is opaque');
    });

    test('a challenge works once: the same answer again, or two at once, signs in once', async () => {
      const { device } = await registered();
      const browser = binding();
      const options = await passkeys.signInOptions(browser);
      const answer = device.authenticate(options, ORIGIN, RP.id);
      const both = await Promise.all([passkeys.signIn(browser, answer), passkeys.signIn(browser, answer)]);
      assert.deepEqual(both.map((r) => r.ok).sort(), [false, true]);
      assert.deepEqual(await passkeys.signIn(browser, answer), { ok: false, reason: 'expired' });
    });

    test('an expired challenge is refused', async () => {
      const { device } = await registered();
      const browser = binding();
      const options = await passkeys.signInOptions(browser);
      clock.advance(DEFAULT_CHALLENGE_TTL_MS + 1);
      assert.deepEqual(await passkeys.signIn(browser, device.authenticate(options, ORIGIN, RP.id)), {
        ok: false,
        reason: 'expired',
      });
    });

    test("another browser's challenge is not this browser's", async () => {
      const { device } = await registered();
      const options = await passkeys.signInOptions(binding());
      assert.deepEqual(await passkeys.signIn(binding(), device.authenticate(options, ORIGIN, RP.id)), {
        ok: false,
        reason: 'expired',
      });
    });

    test('a registration challenge issued to another user is refused', async () => {
      const ann = await user();
      const bob = await user();
      const browser = binding();
      const options = await passkeys.registrationOptions(ann, browser, 'ann');
      const result = await passkeys.register(
        bob,
        browser,
        softAuthenticator().register(options, ORIGIN),
        'x',
      );
      assert.deepEqual(result, { ok: false, reason: 'expired' });
      assert.deepEqual(await passkeys.list(bob.id), []);
    });

    test('a public key far larger than any real one is refused (MySQL keeps it in a 64 KB TEXT)', async () => {
      const owner = await user();
      const browser = binding();
      const options = await passkeys.registrationOptions(owner, browser, 'x');
      const bloated = softAuthenticator(0, { publicKeyPadding: 60_000 }).register(options, ORIGIN);
      assert.deepEqual(await passkeys.register(owner, browser, bloated, 'x'), {
        ok: false,
        reason: 'invalid',
      });
      assert.deepEqual(await passkeys.list(owner.id), []);
    });

    test('a wrong origin is refused, at registration and at sign-in', async () => {
      const owner = await user();
      const browser = binding();
      const options = await passkeys.registrationOptions(owner, browser, 'x');
      const evil = softAuthenticator().register(options, 'https://evil.example.net');
      assert.deepEqual(await passkeys.register(owner, browser, evil, 'x'), { ok: false, reason: 'invalid' });
      assert.deepEqual(await passkeys.list(owner.id), []);

      const { device } = await registered();
      assert.deepEqual(await signIn(device, 'https://app.example.com.evil.example.net'), {
        ok: false,
        reason: 'invalid',
      });
      assert.equal((await signIn(device)).ok, true, 'the right origin still works');
    });

    test('a counter that does not go up is refused (a cloned authenticator)', async () => {
      const { device } = await registered(5);
      device.counter = 6;
      assert.equal((await signIn(device)).ok, true);
      assert.deepEqual(await signIn(device), { ok: false, reason: 'counter' }, 'the same counter again');
      device.counter = 3;
      assert.deepEqual(await signIn(device), { ok: false, reason: 'counter' }, 'a lower counter');
      device.counter = 7;
      assert.equal((await signIn(device)).ok, true, 'a higher one works');
    });

    test('with two-factor on, a passkey signs in only when the authenticator verified the user', async () => {
      const { device } = await registered();
      device.userVerified = false;
      assert.equal((await signIn(device)).ok, true, 'without two-factor, presence is enough');
      // The setting powExpress passes when the two-factor extension is on (express/passkeys.ts).
      const strict = createPasskeyService(pow, {
        prisma: db.prisma,
        relyingParty: () => RP,
        requireUserVerification: true,
      });
      const browser = binding();
      const options = await strict.signInOptions(browser);
      assert.equal(options.userVerification, 'required');
      const refused = await strict.signIn(browser, device.authenticate(options, ORIGIN, RP.id));
      assert.deepEqual(refused, { ok: false, reason: 'invalid' }, 'no PIN or biometrics: refused');
      device.userVerified = true;
      const again = binding();
      const verified = await strict.signIn(
        again,
        device.authenticate(await strict.signInOptions(again), ORIGIN, RP.id),
      );
      assert.equal(verified.ok, true, 'with user verification it signs in');
    });

    test('an unknown credential is refused, and so is a removed one', async () => {
      assert.deepEqual(await signIn(softAuthenticator()), { ok: false, reason: 'unknown_credential' });
      const { owner, device } = await registered();
      const [passkey] = await passkeys.list(owner.id);
      const stranger = await user();
      assert.equal(await passkeys.remove(stranger.id, passkey!.id), null, "not someone else's");
      assert.equal((await passkeys.list(owner.id)).length, 1);
      assert.equal((await passkeys.remove(owner.id, passkey!.id))?.label, 'Laptop');
      assert.deepEqual(await signIn(device), { ok: false, reason: 'unknown_credential' });
    });

    test('the same authenticator cannot be registered twice', async () => {
      const { owner, device } = await registered();
      const browser = binding();
      const options = await passkeys.registrationOptions(owner, browser, 'x');
      assert.deepEqual(await passkeys.register(owner, browser, device.register(options, ORIGIN), 'again'), {
        ok: false,
        reason: 'already_registered',
      });
    });

    test('malformed answers are refused without a lookup', async () => {
      const browser = binding();
      await passkeys.signInOptions(browser);
      assert.deepEqual(await passkeys.signIn(browser, { id: 'x' }), { ok: false, reason: 'invalid' });
      await passkeys.signInOptions(browser);
      assert.deepEqual(await passkeys.signIn(browser, 'not json'), { ok: false, reason: 'invalid' });
    });
  });
}
