import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  createExtHarness,
  seedUser,
  PASSWORD,
  NEW_PASSWORD,
  BASE_URL,
  type ExtHarness,
  type StoreKind,
} from '../helpers/prisma-ext-client.js';
import { firstLink, tokenFromLink } from '../helpers/smtp-server.js';

const INVITED = "You've been invited to app.test";

for (const kind of ['memory', 'redis', 'prisma'] as StoreKind[]) {
  describe(`invitation (${kind} store)`, () => {
    let h: ExtHarness;
    before(async () => {
      h = await createExtHarness({
        store: kind,
        extensions: ['email-confirmation', 'reset-password', 'invitation'],
      });
    });
    after(async () => {
      await h?.close();
    });
    beforeEach(() => h.smtp.clear());

    async function inviteLink(email: string): Promise<string> {
      await h.flush();
      const mail = await h.smtp.waitForMail((m) => m.to === email && m.subject === INVITED);
      return tokenFromLink(firstLink(mail));
    }

    it('a User column pow cannot fill is named in a clear error, not a raw Prisma dump', async () => {
      // The test schema requires `email`: a create without it fails the way a required column
      // without a default fails for invitees (they are created from the e-mail alone).
      await assert.rejects(h.ext.context.insertUser({ invitedById: null }), (error: unknown) => {
        const powError = error as { code?: string; message: string; fix?: string };
        assert.equal(powError.code, 'POW_USER_FIELD_REQUIRED');
        assert.match(powError.message, /requires "email" and has no default/);
        assert.match(powError.fix ?? '', /@default/);
        return true;
      });
    });

    it('creates a passwordless invitee and mails a link; accepting sets the password once', async () => {
      const inviter = await seedUser(h, 'boss@example.com');
      const result = await h.ext.invite(inviter, { email: ' Guest@Example.com ' });
      assert.deepEqual(result, { ok: true });
      const row = await h.db.prisma.user.findFirst({ where: { email: 'guest@example.com' } });
      assert.equal(await h.db.prisma.userCredential.count({ where: { userId: row.id } }), 0, 'no password');
      assert.equal(row.invitedById, inviter.id);
      assert.equal(row.invitationAcceptedAt, null);

      await h.flush();
      const mail = await h.smtp.waitForMail((m) => m.to === 'guest@example.com');
      assert.match(mail.text, /boss@example.com invited you to app.test/);
      // The token's lifetime (tokenTtlMs.invitation, 7 days by default), stated in the mail.
      assert.match(mail.text, /This link expires in 7 days\./);
      const link = firstLink(mail);
      assert.ok(link.startsWith(`${BASE_URL}/invitation/`));
      const token = tokenFromLink(link);
      assert.ok(!(await h.dumpAll()).includes(token));

      // The invitee cannot sign in before accepting.
      assert.equal(await h.pow.users.authenticate('guest@example.com', ''), null);
      assert.equal((await h.ext.verifyInvitation(token))?.id, row.id);

      const weak = await h.ext.acceptInvitation(token, { password: 'short', password_confirmation: 'short' });
      assert.ok(!weak.ok && weak.error === 'invalid' && weak.errors.password);
      const accepted = await h.ext.acceptInvitation(token, {
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.ok(accepted.ok && !accepted.emailConfirmationRequired);
      assert.ok(accepted.ok && accepted.user.invitationAcceptedAt instanceof Date);
      assert.ok(accepted.ok && h.ext.isConfirmed(accepted.user), 'the mailed link proved the address');
      assert.equal((await h.pow.users.authenticate('guest@example.com', PASSWORD))?.id, row.id);

      assert.deepEqual(
        await h.ext.acceptInvitation(token, { password: NEW_PASSWORD, password_confirmation: NEW_PASSWORD }),
        {
          ok: false,
          error: 'invalid_token',
        },
      );
      assert.equal(await h.ext.verifyInvitation(token), null);
      assert.ok(!(await h.dumpAll()).includes(PASSWORD));
    });

    it('inviting a taken e-mail answers the same and sends nothing', async () => {
      const inviter = await seedUser(h, 'boss2@example.com');
      await seedUser(h, 'member@example.com');
      const count = await h.db.prisma.user.count();
      assert.deepEqual(await h.ext.invite(inviter, { email: 'member@example.com' }), { ok: true });
      assert.equal(await h.db.prisma.user.count(), count);
      await h.flush();
      assert.equal(h.smtp.messages.length, 0);
    });

    it('a pending invitee can be invited again; both links work until one is accepted', async () => {
      const inviter = await seedUser(h, 'boss3@example.com');
      await h.ext.invite(inviter, { email: 'twice@example.com' });
      const first = await inviteLink('twice@example.com');
      h.smtp.clear();
      await h.ext.invite(inviter, { email: 'twice@example.com' });
      const second = await inviteLink('twice@example.com');
      assert.notEqual(first, second);
      const accepted = await h.ext.acceptInvitation(second, {
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.ok(accepted.ok);
      assert.equal(await h.ext.verifyInvitation(first), null, 'accepting revokes the other invitation links');
    });

    it('invalid e-mail is a field error', async () => {
      const inviter = await seedUser(h, 'boss4@example.com');
      const result = await h.ext.invite(inviter, { email: 'nope' });
      assert.ok(!result.ok && result.errors.email?.[0]?.key === 'errors.invalid_email');
      const blank = await h.ext.invite(inviter, {});
      assert.ok(!blank.ok && blank.errors.email?.[0]?.key === 'errors.blank');
    });

    it('expires after 7 days and is purpose-bound', async () => {
      const inviter = await seedUser(h, 'boss5@example.com');
      await h.ext.invite(inviter, { email: 'late-guest@example.com' });
      const token = await inviteLink('late-guest@example.com');
      assert.equal(await h.ext.verifyResetToken(token), null);
      assert.deepEqual(await h.ext.confirmEmail(token), { ok: false, error: 'invalid_token' });
      assert.equal(await h.pow.sessions.load(token), null);
      h.clock.advance(7 * 24 * 60 * 60 * 1000 + 1000);
      assert.equal(await h.ext.verifyInvitation(token), null);
    });

    it('changing the e-mail while accepting needs confirmation of the new address', async () => {
      const inviter = await seedUser(h, 'boss6@example.com');
      await h.ext.invite(inviter, { email: 'orig@example.com' });
      const token = await inviteLink('orig@example.com');
      const accepted = await h.ext.acceptInvitation(token, {
        email: 'elsewhere@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.ok(accepted.ok && accepted.emailConfirmationRequired);
      assert.equal(accepted.ok && accepted.user.email, 'orig@example.com');
      assert.equal(accepted.ok && accepted.user.unconfirmedEmail, 'elsewhere@example.com');
      await h.flush();
      const confirm = await h.smtp.waitForMail(
        (m) => m.to === 'elsewhere@example.com' && m.subject === 'Confirm your email for app.test',
      );
      const done = await h.ext.confirmEmail(tokenFromLink(firstLink(confirm)));
      assert.ok(done.ok && done.user.email === 'elsewhere@example.com');
    });

    // Issue 16, defect 1: an invitee who changed the address while accepting stored any string
    // as the pending address and got a confirmation mail sent to it (two recipients, a display
    // name, a Bcc: line, 5,000 characters, another user's address). The account form refused them.
    it('a changed address passes the account form checks; nothing is stored or mailed (issue 16, defect 1)', async () => {
      const inviter = await seedUser(h, 'boss-d1@example.com');
      await seedUser(h, 'victim-d1@example.com');
      await h.ext.invite(inviter, { email: 'invitee-d1@example.com' });
      const token = await inviteLink('invitee-d1@example.com');
      const bad: Array<[string, string]> = [
        ['invalid', 'errors.invalid_email'],
        ['a@example.com, b@example.com', 'errors.invalid_email'],
        ['Victim <victim-d1@example.com>', 'errors.invalid_email'],
        ['victim-d1@example.com\r\nBcc: attacker@example.com', 'errors.invalid_email'],
        [`${'a'.repeat(5000)}@example.com`, 'errors.too_long'],
        ['Victim-D1@example.com', 'errors.taken'],
      ];
      for (const [email, key] of bad) {
        const refused = await h.ext.acceptInvitation(token, {
          email,
          password: PASSWORD,
          password_confirmation: PASSWORD,
        });
        assert.deepEqual(
          !refused.ok && 'errors' in refused && refused.errors.email?.map((e) => e.key),
          [key],
          JSON.stringify(email).slice(0, 60),
        );
      }
      const invitee = await h.ext.verifyInvitation(token);
      assert.ok(invitee, 'the link still works');
      assert.equal(invitee.unconfirmedEmail ?? null, null, 'no pending address was stored');
      await h.flush();
      assert.deepEqual(
        h.smtp.messages.filter((m) => m.subject !== INVITED).map((m) => m.envelopeTo),
        [],
        'no confirmation mail went anywhere',
      );
      const accepted = await h.ext.acceptInvitation(token, {
        email: 'invitee-d1@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.ok(accepted.ok && accepted.user.email === 'invitee-d1@example.com');
    });

    it('an invitee who resets the password instead counts as accepted', async () => {
      const inviter = await seedUser(h, 'boss7@example.com');
      await h.ext.invite(inviter, { email: 'resetter@example.com' });
      const invitation = await inviteLink('resetter@example.com');
      await h.ext.requestPasswordReset('resetter@example.com');
      await h.flush();
      const reset = await h.smtp.waitForMail(
        (m) => m.to === 'resetter@example.com' && m.subject === 'Reset your app.test password',
      );
      const result = await h.ext.resetPassword(tokenFromLink(firstLink(reset)), {
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.ok(result.ok && result.user.invitationAcceptedAt instanceof Date);
      assert.equal(await h.ext.verifyInvitation(invitation), null);
    });
  });
}

describe('invitation without an e-mail field (username ids)', () => {
  let h: ExtHarness;
  before(async () => {
    h = await createExtHarness({ store: 'memory', extensions: ['invitation'], userIdFields: ['username'] });
  });
  after(async () => {
    await h?.close();
  });

  it('returns the accept URL to show; a taken username gets a same-shaped URL that leads nowhere', async () => {
    // The test schema requires an email column; fill it for the rows the test creates itself.
    const inviterRow = await h.db.prisma.user.create({
      data: { email: 'inviter@example.com', username: 'inviter' },
    });
    const inviter = (await h.pow.users.getBy({ id: inviterRow.id }))!;
    await h.db.prisma.user.create({ data: { email: 'taken@example.com', username: 'taken' } });
    const taken = await h.ext.invite(inviter, { username: 'taken' });
    assert.ok(taken.ok && taken.url);
    assert.match(taken.url!, new RegExp(`^${BASE_URL}/invitation/[A-Za-z0-9_-]{43}/edit$`));
    assert.equal(await h.ext.verifyInvitation(tokenFromLink(taken.url!)), null);
    await h.flush();
    assert.equal(h.smtp.messages.length, 0);
  });
});

describe("invitation and the app's required columns (userDefaults)", () => {
  let h: ExtHarness;
  before(async () => {
    // `name` stands for an app column registration fills with a constant (config `userDefaults`,
    // e.g. an app's own `password: '!'`); invitees are created by pow too and need it as well.
    h = await createExtHarness({
      store: 'memory',
      extensions: ['invitation'],
      userFields: [],
      userDefaults: { name: 'no name yet' },
    });
  });
  after(async () => {
    await h?.close();
  });

  it("the invitee row gets the config's userDefaults, as a registered user does", async () => {
    const registered = await h.pow.users.create({
      email: 'boss@example.com',
      password: PASSWORD,
      password_confirmation: PASSWORD,
    });
    assert.ok(registered.ok);
    assert.equal(registered.value.name, 'no name yet');
    const result = await h.ext.invite(registered.value, { email: 'guest@example.com' });
    assert.deepEqual(result, { ok: true });
    const row = await h.db.prisma.user.findFirst({ where: { email: 'guest@example.com' } });
    assert.equal(row.name, 'no name yet');
    assert.equal(row.invitedById, registered.value.id);
  });
});
