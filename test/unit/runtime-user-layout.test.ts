/**
 * Where pow keeps a user's fields (src/runtime/core/user-layout.ts): the rule the schema edit and
 * the config share, the Prisma arguments built for fields kept in the credential model, and the
 * config check of `credentialFields`. The queries themselves run against real databases in
 * test/e2e/existing-user-untouched.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkCredentialFields,
  createUserLayout,
  credentialFieldsFor,
  powUserFields,
} from '../../src/runtime/core/user-layout.js';
import { isPowError } from '../../src/runtime/index.js';

describe('credentialFieldsFor: what an existing user model lacks goes to the credential model', () => {
  it('a model pow creates holds every field itself', () => {
    assert.deepEqual(credentialFieldsFor(null, ['email'], ['email-confirmation', 'invitation']), []);
  });

  it('an existing model without an e-mail: the e-mail and the extension fields', () => {
    assert.deepEqual(
      credentialFieldsFor(
        ['id', 'name', 'age'],
        ['email'],
        ['email-confirmation', 'reset-password', 'invitation'],
      ),
      ['email', 'emailConfirmedAt', 'unconfirmedEmail', 'invitedById', 'invitationAcceptedAt'],
    );
  });

  it("the app's own e-mail (and columns an earlier install added) stay on the user model", () => {
    assert.deepEqual(
      credentialFieldsFor(['id', 'email', 'emailConfirmedAt'], ['email', 'username'], ['email-confirmation']),
      ['username', 'unconfirmedEmail'],
    );
    assert.deepEqual(powUserFields(['email'], ['persistent-session', 'reset-password']), ['email']);
  });
});

describe('createUserLayout', () => {
  const layout = createUserLayout(['email', 'emailConfirmedAt']);
  const flat = createUserLayout([]);

  it('without credential fields, arguments pass through as they are', () => {
    assert.equal(flat.usesCredential, false);
    assert.deepEqual(flat.where({ email: 'a@example.com' }), { email: 'a@example.com' });
    assert.equal(flat.include(false), undefined);
    assert.deepEqual(flat.include(true), { credential: { select: { passwordHash: true } } });
    assert.deepEqual(flat.createData({ email: 'a@example.com' }, null), { email: 'a@example.com' });
    assert.deepEqual(flat.updateData({ name: 'Ada' }), { name: 'Ada' });
  });

  it('filters on a credential field go through the relation; others stay on the user', () => {
    assert.deepEqual(layout.where({ id: 7 }), { id: 7 });
    assert.deepEqual(layout.where({ email: 'a@example.com', name: 'Ada' }), {
      name: 'Ada',
      credential: { is: { email: 'a@example.com' } },
    });
  });

  it('reads include the credential fields (and the hash only when asked)', () => {
    assert.deepEqual(layout.include(false), {
      credential: { select: { email: true, emailConfirmedAt: true } },
    });
    assert.deepEqual(layout.include(true), {
      credential: { select: { email: true, emailConfirmedAt: true, passwordHash: true } },
    });
  });

  it('a row becomes a flat record: credential fields lifted, no hash, no relation', () => {
    const when = new Date('2026-01-02T03:04:05Z');
    assert.deepEqual(
      layout.record({
        id: 1,
        name: 'Ada',
        passwordHash: 'old-column',
        credential: { email: 'a@example.com', emailConfirmedAt: when, passwordHash: '$argon2id$x' },
      }),
      { id: 1, name: 'Ada', email: 'a@example.com', emailConfirmedAt: when },
    );
    // A user of the app's from before pow has no credential row: the fields read as null.
    assert.deepEqual(layout.record({ id: 2, name: 'Grace', credential: null }), {
      id: 2,
      name: 'Grace',
      email: null,
      emailConfirmedAt: null,
    });
  });

  it('writes nest the credential fields; a row without a password gets the empty hash', () => {
    assert.deepEqual(layout.createData({ email: 'a@example.com', name: 'Ada' }, '$argon2id$x'), {
      name: 'Ada',
      credential: { create: { email: 'a@example.com', passwordHash: '$argon2id$x' } },
    });
    assert.deepEqual(layout.createData({ email: 'i@example.com' }, null), {
      credential: { create: { email: 'i@example.com', passwordHash: '' } },
    });
    assert.deepEqual(layout.updateData({ name: 'Ada' }), { name: 'Ada' });
    assert.deepEqual(layout.updateData({ emailConfirmedAt: null }, '$argon2id$y'), {
      credential: {
        upsert: {
          create: { emailConfirmedAt: null, passwordHash: '$argon2id$y' },
          update: { emailConfirmedAt: null, passwordHash: '$argon2id$y' },
        },
      },
    });
    assert.deepEqual(layout.updateData({ email: 'b@example.com' }), {
      credential: {
        upsert: { create: { email: 'b@example.com', passwordHash: '' }, update: { email: 'b@example.com' } },
      },
    });
  });
});

describe('config credentialFields', () => {
  const refuses = (value: unknown, pattern: RegExp, app: string[] = []) =>
    assert.throws(
      () => checkCredentialFields(value, ['email'], app),
      (error: unknown) => {
        assert.ok(isPowError(error));
        assert.equal(error.code, 'POW_CONFIG_INVALID');
        assert.match(error.message, /`credentialFields`/);
        assert.match(error.message, pattern);
        return true;
      },
    );

  it('accepts user id fields and extension fields, once each', () => {
    assert.deepEqual(checkCredentialFields(undefined, ['email'], []), []);
    assert.deepEqual(checkCredentialFields(['email', 'invitedById'], ['email'], []), [
      'email',
      'invitedById',
    ]);
  });

  it('refuses anything else with a specific message', () => {
    refuses('email', /must be an array/);
    refuses(['name'], /lists "name", which is not a field pow keeps/);
    refuses(['email', 'email'], /lists "email" twice/);
    refuses(['emailConfirmedAt'], /userFields or userDefaults/, ['emailConfirmedAt']);
  });
});
