import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideAccount,
  mayUnlink,
  type AccountFacts,
  type AccountPolicy,
} from '../../src/runtime/oauth/account-rules.js';

const profile = (over: Partial<AccountFacts['profile']> = {}): AccountFacts['profile'] => ({
  provider: 'acme',
  subject: 'sub-1',
  email: 'ann@example.com',
  emailVerified: true,
  name: 'Ann',
  ...over,
});
const closed: AccountPolicy = { linkVerifiedEmail: false, registration: true };
const facts = (over: Partial<AccountFacts>): AccountFacts => ({
  profile: profile(),
  identityOwner: null,
  currentUser: null,
  emailOwner: null,
  ...over,
});

describe('which account a provider identity reaches', () => {
  test('a linked identity signs in its own user, even when another account has its e-mail', () => {
    assert.deepEqual(decideAccount(facts({ identityOwner: 7, emailOwner: 9 }), closed), {
      action: 'sign_in',
      userId: 7,
    });
  });

  test('a matching e-mail is never linked silently, verified or not, unless the team opted in', () => {
    assert.deepEqual(decideAccount(facts({ emailOwner: 9 }), closed), {
      action: 'refuse',
      reason: 'email_taken',
    });
    const optedIn = { ...closed, linkVerifiedEmail: true };
    assert.deepEqual(
      decideAccount(facts({ emailOwner: 9, profile: profile({ emailVerified: false }) }), optedIn),
      {
        action: 'refuse',
        reason: 'email_taken',
      },
    );
    assert.deepEqual(decideAccount(facts({ emailOwner: 9 }), optedIn), {
      action: 'link_and_sign_in',
      userId: 9,
    });
  });

  test("a signed-in user links a free identity, keeps its own, and never takes another account's", () => {
    assert.deepEqual(decideAccount(facts({ currentUser: 3 }), closed), { action: 'link', userId: 3 });
    assert.deepEqual(decideAccount(facts({ currentUser: 3, identityOwner: '3' }), closed), {
      action: 'already_linked',
      userId: 3,
    });
    assert.deepEqual(decideAccount(facts({ currentUser: 3, identityOwner: 4 }), closed), {
      action: 'refuse',
      reason: 'identity_taken',
    });
  });

  test('a new identity signs up; confirmation applies when the provider did not verify the e-mail', () => {
    assert.deepEqual(decideAccount(facts({}), closed), {
      action: 'sign_up',
      email: 'ann@example.com',
      confirmEmail: false,
    });
    assert.deepEqual(decideAccount(facts({ profile: profile({ emailVerified: false }) }), closed), {
      action: 'sign_up',
      email: 'ann@example.com',
      confirmEmail: true,
    });
    assert.deepEqual(
      decideAccount(facts({ profile: profile({ email: null, emailVerified: false }) }), closed),
      {
        action: 'refuse',
        reason: 'email_required',
      },
    );
    assert.deepEqual(decideAccount(facts({}), { ...closed, registration: false }), {
      action: 'refuse',
      reason: 'registration_closed',
    });
  });

  test('the last way to sign in cannot be unlinked', () => {
    assert.equal(mayUnlink({ hasPassword: false, identities: 1 }), false);
    assert.equal(mayUnlink({ hasPassword: true, identities: 1 }), true);
    assert.equal(mayUnlink({ hasPassword: false, identities: 2 }), true);
  });
});
