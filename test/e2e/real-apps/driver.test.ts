/**
 * The corpus driver's own checks (no app, no database): what counts as a secret, what the
 * comparison normalises, how .env values are set. A leak check that never fires would pass every
 * app, so it is shown to fire here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSecrets, normalise, setDotenvValue } from './driver.js';

type Stored = Map<string, Map<string, Set<string>>>;

function stored(tables: Record<string, Record<string, string[]>>): Stored {
  return new Map(
    Object.entries(tables).map(([table, columns]) => [
      table,
      new Map(Object.entries(columns).map(([column, values]) => [column, new Set(values)])),
    ]),
  );
}

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g';
const APP_BCRYPT = '$2b$12$' + 'a'.repeat(53);

test('newSecrets: hashes, token-like columns, JSON session data and pow rows written since the snapshot', () => {
  const before = stored({
    User: { email: ['alice@prisma.io'], password: [APP_BCRYPT] },
    pow_sessions: {},
  });
  const after = stored({
    User: {
      email: ['alice@prisma.io', 'ada.corpus@example.com'],
      name: ['Ada Corpus'],
      password: [APP_BCRYPT],
      passwordHash: [HASH],
    },
    pow_sessions: {
      key: ['k9Jd0s8fQm2LxZp4Wt7Rb1Vc'],
      namespace: ['session'],
      value: [
        JSON.stringify({ csrf: 'csrf-secret-0123456789abcdef', userId: 1, at: '2026-12-07T15:00:00.000Z' }),
      ],
      expiresAt: ['2026-12-07T15:00:00.000Z'],
    },
  });
  const secrets = newSecrets(before, after, ['User', 'Post'], new Set(['ada.corpus@example.com']));
  assert.equal(secrets.get(HASH), 'password hash in User.passwordHash');
  assert.equal(secrets.get('csrf-secret-0123456789abcdef'), 'pow_sessions.value (JSON)');
  assert.equal(secrets.get('k9Jd0s8fQm2LxZp4Wt7Rb1Vc'), 'pow_sessions.key');
  // Not secrets: the app's own bcrypt hash from before, the account's email, its name, short
  // values, timestamps.
  for (const value of [
    APP_BCRYPT,
    'ada.corpus@example.com',
    'Ada Corpus',
    'session',
    '2026-12-07T15:00:00.000Z',
  ]) {
    assert.ok(!secrets.has(value), value);
  }
});

test("newSecrets: a pow row's reference to the app's own row (the user's uuid) is not a secret", () => {
  const id = '5b0c2f7e-8f4e-4a59-9d0e-2f1c6a1b3c03';
  const token = 'k9Jd0s8fQm2LxZp4Wt7Rb1Vc-session-id';
  const after = stored({
    User: { id: [id] },
    UserCredential: { userId: [id], passwordHash: [HASH] },
    pow_sessions: {
      key: [token],
      value: [JSON.stringify({ userId: id, csrf: 'csrf-secret-0123456789abcdef' })],
    },
  });
  const secrets = newSecrets(stored({}), after, ['User'], new Set());
  assert.ok(!secrets.has(id));
  assert.equal(secrets.get(HASH), 'password hash in UserCredential.passwordHash');
  assert.equal(secrets.get(token), 'pow_sessions.key');
  assert.equal(secrets.get('csrf-secret-0123456789abcdef'), 'pow_sessions.value (JSON)');
});

test('newSecrets: a hash pow writes into the app table of an existing column is found too', () => {
  const before = stored({ user: { password: [APP_BCRYPT] } });
  const newHash = '$2b$12$' + 'b'.repeat(53);
  const after = stored({ user: { password: [APP_BCRYPT, newHash] } });
  assert.equal(newSecrets(before, after, ['user'], new Set()).get(newHash), 'password hash in user.password');
});

test('normalise: timestamps and bcrypt hashes (random salt) only', () => {
  const body = JSON.stringify({
    id: 3,
    createdAt: '2026-12-07T15:49:01.123Z',
    password: APP_BCRYPT,
    n: '2026',
  });
  assert.deepEqual(normalise(body), {
    id: 3,
    createdAt: '<timestamp>',
    password: '<bcrypt hash>',
    n: '2026',
  });
  assert.equal(normalise('<h1>Cannot GET /</h1>'), '<h1>Cannot GET /</h1>');
});

test('setDotenvValue: replaces the first KEY= line, else appends', () => {
  assert.equal(
    setDotenvValue('PORT=3000\nDATABASE_URL="x"\n', 'DATABASE_URL', 'postgresql://h/db'),
    'PORT=3000\nDATABASE_URL="postgresql://h/db"\n',
  );
  assert.equal(setDotenvValue('PORT=3000', 'POW_SECRET', 's'), 'PORT=3000\nPOW_SECRET="s"\n');
  assert.equal(setDotenvValue('POW_SECRET=\n', 'POW_SECRET', 's'), 'POW_SECRET="s"\n');
});
