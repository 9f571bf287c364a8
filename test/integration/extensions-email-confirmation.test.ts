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
import { firstLink, tokenFromLink, type CapturedMail } from '../helpers/smtp-server.js';
import { createToken } from '../../src/runtime/extensions/tokens.js';

for (const kind of ['memory', 'redis', 'prisma'] as StoreKind[]) {
  describe(`email confirmation (${kind} store)`, () => {
    let h: ExtHarness;
    before(async () => {
      h = await createExtHarness({
        store: kind,
        extensions: ['email-confirmation', 'reset-password', 'persistent-session'],
      });
    });
    after(async () => {
      await h?.close();
    });
    beforeEach(() => h.smtp.clear());

    async function mailTo(email: string, subject: string): Promise<CapturedMail> {
      await h.flush();
      return h.smtp.waitForMail((m) => m.to === email && m.subject === subject);
    }
    const CONFIRM = 'Confirm your email for app.test';

    it('sign-up creates an unconfirmed user and mails a link; following it confirms', async () => {
      const result = await h.ext.register({
        email: 'new@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      assert.deepEqual(result, { ok: true });
      const user = (await h.pow.users.getBy({ email: 'new@example.com' }))!;
      assert.equal(h.ext.isConfirmed(user), false);
      assert.equal(await h.ext.issueRememberMe(user), null, 'no remember-me for unconfirmed users');

      const confirmation = await mailTo('new@example.com', CONFIRM);
      // The token's lifetime (tokenTtlMs.email_confirmation, 48 hours by default), stated in the mail.
      assert.match(confirmation.text, /This link expires in 48 hours\./);
      const link = firstLink(confirmation);
      assert.ok(link.startsWith(`${BASE_URL}/confirm-email/`));
      const token = tokenFromLink(link);
      assert.ok(!(await h.dumpAll()).includes(token), 'raw token at rest');

      const confirmed = await h.ext.confirmEmail(token);
      assert.ok(confirmed.ok && confirmed.status === 'confirmed');
      assert.ok(confirmed.ok && h.ext.isConfirmed(confirmed.user));
      // A second click (or a mail scanner's pre-click) is not an error, and confirms nothing else.
      const again = await h.ext.confirmEmail(token);
      assert.ok(again.ok && again.status === 'already_confirmed' && again.user.id === user.id);
    });

    it('sign-up with a taken e-mail answers the same, adds no row and mails the owner a notice', async () => {
      await seedUser(h, 'owner@example.com');
      const count = await h.db.prisma.user.count();
      const result = await h.ext.register({
        email: ' Owner@Example.com',
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      });
      assert.deepEqual(result, { ok: true });
      assert.equal(await h.db.prisma.user.count(), count);
      const notice = await mailTo('owner@example.com', 'Sign-up attempt at app.test with your email address');
      assert.match(notice.text, /already has one/);
      assert.equal(firstLink(notice), `${BASE_URL}/session/new`);
      // At most one notice per hour.
      await h.ext.register({
        email: 'owner@example.com',
        password: NEW_PASSWORD,
        password_confirmation: NEW_PASSWORD,
      });
      await h.flush();
      assert.equal(h.smtp.messages.filter((m) => m.to === 'owner@example.com').length, 1);
    });

    it('sign-up validation errors are still reported', async () => {
      const result = await h.ext.register({
        email: 'bad@@example',
        password: 'short',
        password_confirmation: 'short',
      });
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.errors.email && result.errors.password);
      await h.flush();
      assert.equal(h.smtp.messages.length, 0);
    });

    it('resend answers the same for every input and mails only unconfirmed accounts', async () => {
      await seedUser(h, 'confirmed-resend@example.com');
      await h.pow.users.create({
        email: 'pending-resend@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      for (const email of [
        'confirmed-resend@example.com',
        'pending-resend@example.com',
        'nobody-resend@example.com',
        42,
      ]) {
        assert.equal(await h.ext.resendConfirmation(email), undefined);
      }
      await h.flush();
      assert.deepEqual(
        h.smtp.messages.map((m) => m.to),
        ['pending-resend@example.com'],
      );
    });

    it('an e-mail change waits for confirmation of the new address; the old one gets a notice', async () => {
      const user = await seedUser(h, 'old@example.com');
      const noPassword = await h.ext.updateUser(user, { email: 'new-address@example.com' });
      assert.ok(!noPassword.ok && noPassword.errors.current_password?.[0]?.key === 'errors.blank');
      const wrong = await h.ext.updateUser(user, {
        email: 'new-address@example.com',
        current_password: NEW_PASSWORD,
      });
      assert.ok(!wrong.ok && wrong.errors.current_password?.[0]?.key === 'errors.invalid_current_password');
      const invalid = await h.ext.updateUser(user, { email: 'not-an-email', current_password: PASSWORD });
      assert.ok(!invalid.ok && invalid.errors.email?.[0]?.key === 'errors.invalid_email');

      const first = await h.ext.updateUser(user, {
        email: 'New-Address@example.com',
        current_password: PASSWORD,
        name: 'Ann',
      });
      assert.ok(first.ok && first.emailConfirmationRequired);
      assert.equal(first.ok && first.user.email, 'old@example.com');
      assert.equal(first.ok && first.user.unconfirmedEmail, 'new-address@example.com');
      assert.equal(first.ok && first.user.name, 'Ann');
      // Submitting the same change twice still leaves the old address (Pow issue #512).
      const second = await h.ext.updateUser(user, {
        email: 'new-address@example.com',
        current_password: PASSWORD,
      });
      assert.ok(second.ok && second.user.email === 'old@example.com');

      const notice = await mailTo('old@example.com', 'Your app.test email address is being changed');
      assert.match(notice.text, /new-address@example.com/);
      const link = firstLink(await mailTo('new-address@example.com', CONFIRM));
      const stillOld = await h.pow.users.getBy({ id: user.id });
      assert.equal(stillOld?.email, 'old@example.com');
      assert.ok(h.ext.isConfirmed(stillOld!), 'a pending change does not lock the user out');

      const confirmed = await h.ext.confirmEmail(tokenFromLink(link));
      assert.ok(confirmed.ok && confirmed.status === 'confirmed');
      const moved = await h.pow.users.getBy({ id: user.id });
      assert.equal(moved?.email, 'new-address@example.com');
      assert.equal(moved?.unconfirmedEmail, null);
      assert.ok(await h.pow.users.authenticate('new-address@example.com', PASSWORD));
    });

    it('links sent to an address the account moved away from stop working', async () => {
      const user = await seedUser(h, 'switch@example.com');
      await h.ext.updateUser(user, { email: 'first-choice@example.com', current_password: PASSWORD });
      const firstLinkToken = tokenFromLink(firstLink(await mailTo('first-choice@example.com', CONFIRM)));
      await h.ext.updateUser(user, { email: 'second-choice@example.com', current_password: PASSWORD });
      const secondToken = tokenFromLink(firstLink(await mailTo('second-choice@example.com', CONFIRM)));
      await h.ext.requestPasswordReset('switch@example.com');
      const oldReset = tokenFromLink(
        firstLink(await mailTo('switch@example.com', 'Reset your app.test password')),
      );
      assert.ok(await h.ext.verifyResetToken(oldReset));
      assert.deepEqual(await h.ext.confirmEmail(firstLinkToken), { ok: false, error: 'invalid_token' });
      const ok = await h.ext.confirmEmail(secondToken);
      assert.ok(ok.ok && ok.user.email === 'second-choice@example.com');
      // A reset link mailed to the old address is dead now.
      assert.equal(await h.ext.verifyResetToken(oldReset), null);
    });

    // Issue 16, defect 1: confirming made a raw pending address (stored unchecked by an older
    // pow) the account's e-mail. Such a value is neither mailed nor applied.
    it('a pending address that fails the checks is never mailed or applied (issue 16, defect 1)', async () => {
      const user = await seedUser(h, 'raw-pending@example.com');
      const raw = 'victim@example.com\r\nBcc: attacker@example.com';
      await h.db.prisma.user.update({ where: { id: user.id }, data: { unconfirmedEmail: raw } });
      const fresh = (await h.pow.users.getBy({ id: user.id }))!;
      await h.ext.sendConfirmation(fresh);
      await h.flush();
      assert.deepEqual(
        h.smtp.messages.filter((m) => m.subject === CONFIRM),
        [],
        'nothing mailed',
      );
      const { token } = await createToken(h.pow, 'email_confirmation', { userId: user.id, sentTo: raw });
      assert.deepEqual(await h.ext.confirmEmail(token), { ok: false, error: 'confirmation_failed' });
      assert.equal((await h.pow.users.getBy({ id: user.id }))!.email, 'raw-pending@example.com');
    });

    it('submitting the current e-mail cancels a pending change', async () => {
      const user = await seedUser(h, 'cancel@example.com');
      await h.ext.updateUser(user, { email: 'cancel-new@example.com', current_password: PASSWORD });
      const token = tokenFromLink(firstLink(await mailTo('cancel-new@example.com', CONFIRM)));
      // Like every account update, the cancellation needs the current password (issue 16, defect 5).
      const cancelled = await h.ext.updateUser(user, {
        email: 'cancel@example.com',
        current_password: PASSWORD,
      });
      assert.ok(
        cancelled.ok && !cancelled.emailConfirmationRequired && cancelled.user.unconfirmedEmail === null,
      );
      assert.deepEqual(await h.ext.confirmEmail(token), { ok: false, error: 'invalid_token' });
    });

    it('an unconfirmed user re-submitting the profile form stays unconfirmed (checklist row 70)', async () => {
      await h.pow.users.create({
        email: 'stay@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      const user = (await h.pow.users.getBy({ email: 'stay@example.com' }))!;
      const result = await h.ext.updateUser(user, {
        email: 'stay@example.com',
        name: 'Same',
        current_password: PASSWORD,
      });
      assert.ok(result.ok);
      assert.equal(h.ext.isConfirmed((await h.pow.users.getBy({ id: user.id }))!), false);
    });

    it('confirmation fails cleanly when someone took the new address meanwhile', async () => {
      const user = await seedUser(h, 'conflict@example.com');
      await h.ext.updateUser(user, { email: 'contested@example.com', current_password: PASSWORD });
      const token = tokenFromLink(firstLink(await mailTo('contested@example.com', CONFIRM)));
      await seedUser(h, 'contested@example.com');
      assert.deepEqual(await h.ext.confirmEmail(token), { ok: false, error: 'confirmation_failed' });
      assert.equal((await h.pow.users.getBy({ id: user.id }))?.email, 'conflict@example.com');
    });

    it('confirmation tokens expire (48 h default) and are purpose-bound', async () => {
      await h.ext.register({
        email: 'late@example.com',
        password: PASSWORD,
        password_confirmation: PASSWORD,
      });
      const token = tokenFromLink(firstLink(await mailTo('late@example.com', CONFIRM)));
      assert.equal(await h.ext.verifyResetToken(token), null);
      assert.equal(await h.ext.useRememberMe(token), null);
      assert.equal(await h.ext.verifyInvitation(token).catch(() => null), null);
      assert.equal(await h.pow.sessions.load(token), null);
      h.clock.advance(48 * 60 * 60 * 1000 + 1000);
      assert.deepEqual(await h.ext.confirmEmail(token), { ok: false, error: 'invalid_token' });
    });

    it('garbage tokens are invalid without errors', async () => {
      for (const token of ['', 'x', 'a'.repeat(43), 'a'.repeat(500), null, 12, { $ne: 1 }]) {
        assert.deepEqual(await h.ext.confirmEmail(token), { ok: false, error: 'invalid_token' });
      }
    });
  });
}
