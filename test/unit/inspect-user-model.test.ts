/**
 * Which model holds the users when `--user-model` is not given (src/inspect/detect-user-model.ts),
 * and what install does with an app's lower-case `model user` (fixtures/real-social-media).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectUserModel } from '../../src/inspect/detect-user-model.js';
import { inspectProject } from '../../src/inspect/inspect-project.js';
import { isPowError } from '../../src/shared/pow-error.js';
import { copyFixture } from '../helpers/fixtures.js';

const model = (name: string, tableName: string | null = null) => ({ name, tableName });

test('User wins; else the one model named or mapped like user/users, any case; else User (pow creates it)', () => {
  assert.equal(detectUserModel([model('Post'), model('User'), model('user_profile')]), 'User');
  assert.equal(detectUserModel([model('post'), model('user')]), 'user');
  assert.equal(detectUserModel([model('Users')]), 'Users');
  assert.equal(detectUserModel([model('Account', 'users'), model('Post')]), 'Account');
  assert.equal(detectUserModel([model('Member', 'USER')]), 'Member');
  assert.equal(detectUserModel([model('Post'), model('UserProfile')]), 'User');
  assert.equal(detectUserModel([]), 'User');
});

test('several candidates: refused with a fix line naming --user-model', () => {
  assert.throws(
    () => detectUserModel([model('user'), model('Account', 'users')]),
    (error: unknown) => {
      assert.ok(isPowError(error));
      assert.equal(error.code, 'POW_USER_MODEL_AMBIGUOUS');
      assert.match(error.message, /user, Account \(table users\)/);
      assert.match(error.fix ?? '', /pow install --user-model user/);
      return true;
    },
  );
});

test("inspect finds fixtures/real-social-media's lower-case `model user`", async () => {
  const project = copyFixture('real-social-media');
  try {
    const info = await inspectProject(project.dir);
    assert.equal(info.prisma?.userModel?.name, 'user');
    // A name the team gives still wins (pow then adds that model).
    assert.equal((await inspectProject(project.dir, { userModel: 'User' })).prisma?.userModel, null);
  } finally {
    project.cleanup();
  }
});
