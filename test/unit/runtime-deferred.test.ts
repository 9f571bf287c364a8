/**
 * Settings from the environment (src/runtime/core/deferred.ts, deferred-adapter.ts): read at
 * start-up or first use, never when the configuration module is imported, with pow's message
 * naming the variable when it is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deferredAdapter,
  fromEnv,
  isPowError,
  memoryStore,
  runStartupChecks,
  createPow,
} from '../../src/runtime/index.js';
import { powExpress } from '../../src/runtime/express/index.js';
import { deferredSetting } from '../../src/runtime/core/deferred.js';

const SECRET = 'deferred-test-secret-0123456789-abcdefghijklmnop';
/** A Prisma client as far as createPow looks at it. */
const prisma = {
  user: Object.fromEntries(
    ['findFirst', 'findMany', 'create', 'update', 'delete'].map((m) => [m, async () => null]),
  ),
};

/** Runs `fn` with the variables set (or unset, for undefined) and restores them. */
function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return fn();
  } finally {
    apply(saved);
  }
}

test('fromEnv reads when called, names its variable, and falls back only outside production', () => {
  const read = fromEnv('POW_TEST_BASE_URL', { development: 'http://localhost:3001' });
  assert.equal(read.envName, 'POW_TEST_BASE_URL');
  withEnv({ POW_TEST_BASE_URL: undefined, NODE_ENV: 'development' }, () =>
    assert.equal(read(), 'http://localhost:3001'),
  );
  withEnv({ POW_TEST_BASE_URL: '', NODE_ENV: 'production' }, () => assert.equal(read(), undefined));
  withEnv({ POW_TEST_BASE_URL: 'https://example.com', NODE_ENV: 'production' }, () =>
    assert.equal(read(), 'https://example.com'),
  );
  assert.throws(() => fromEnv('not a name'), TypeError);
});

test('createPow with fromEnv: importing reads nothing; a .env loaded afterwards is used', () => {
  withEnv({ POW_TEST_SECRET: undefined }, () => {
    // What a generated config module does at import time, before the entry loads .env.
    const pow = createPow({ prisma, store: memoryStore(), secret: fromEnv('POW_TEST_SECRET') });
    const auth = powExpress(pow, {});
    // The entry's dotenv.config() / process.loadEnvFile() runs now.
    process.env.POW_TEST_SECRET = SECRET;
    assert.equal(typeof auth.middleware(), 'function');
    assert.equal(pow.secret, SECRET);
  });
});

test('a missing variable stops the app at auth.middleware() with pow message naming it', () => {
  withEnv({ POW_TEST_SECRET_2: undefined, POW_TEST_URL: undefined }, () => {
    const pow = createPow({ prisma, store: memoryStore(), secret: fromEnv('POW_TEST_SECRET_2') });
    const auth = powExpress(pow, {});
    deferredSetting(
      fromEnv('POW_TEST_URL'),
      { key: 'url', purpose: 'the test needs it', expected: 'a URL' },
      {
        required: true,
      },
    );
    assert.throws(
      () => auth.middleware(),
      (error: unknown) => {
        assert.ok(isPowError(error));
        assert.equal(error.code, 'POW_SETTING_MISSING');
        // Both missing variables at once, each with why pow needs it and how to set it.
        assert.match(error.message, /^pow cannot start:\n/);
        assert.match(
          error.message,
          /POW_TEST_SECRET_2 is not set: pow signs session cookies and tokens with it/,
        );
        assert.match(error.message, /randomBytes\(48\)/);
        assert.match(error.message, /POW_TEST_URL is not set: the test needs it/);
        assert.match(error.message, /\.env/);
        return true;
      },
    );
    // Too short is named as such.
    process.env.POW_TEST_SECRET_2 = 'short';
    process.env.POW_TEST_URL = 'x';
    assert.throws(() => auth.middleware(), /POW_TEST_SECRET_2 is 5 characters long \(too short\)/);
    process.env.POW_TEST_SECRET_2 = SECRET;
    // Resolved once: later runs check nothing more.
    assert.doesNotThrow(() => runStartupChecks());
  });
});

test('deferredAdapter: the provider at once, the real factory (and the URL) on first connect', async () => {
  const made: string[] = [];
  const real = {
    provider: 'sqlite' as const,
    adapterName: '@prisma/adapter-test',
    connect: async () => 'connected',
  };
  await withEnv({ POW_TEST_DATABASE_URL: undefined }, async () => {
    const adapter = deferredAdapter('sqlite', fromEnv('POW_TEST_DATABASE_URL'), (url) => {
      made.push(url);
      return real;
    });
    assert.equal(adapter.provider, 'sqlite');
    assert.deepEqual(made, [], 'nothing is built at import');
    await assert.rejects(adapter.connect(), /POW_TEST_DATABASE_URL is not set: the Prisma client connects/);
    process.env.POW_TEST_DATABASE_URL = 'file:./dev.db';
    assert.equal(await adapter.connect(), 'connected');
    assert.equal(adapter.adapterName, '@prisma/adapter-test');
    assert.deepEqual(made, ['file:./dev.db'], 'built once');
    runStartupChecks();
  });
});
