/**
 * The OAuth / OpenID Connect flow of pow's runtime (src/runtime/oauth) against a real OpenID
 * Connect provider started in-process (oidc-provider) and a stand-in for GitHub's endpoints:
 * PKCE, state bound to the pending record, nonce and ID token checks (signature, issuer, audience,
 * expiry), single use, deadlines.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  beginAuthorization,
  completeAuthorization,
  github,
  google,
  openIdProvider,
  OAuthFlowError,
  PENDING_AUTHORIZATION_TTL_MS,
  type OAuthFailure,
} from '../../src/runtime/oauth/index.js';
import { startOidcProvider, type OidcTestProvider } from '../helpers/oidc-provider.js';
import { startGitHubStandIn } from '../helpers/github-standin.js';
import { followToCallback } from '../helpers/follow-redirects.js';

const REDIRECT = 'http://127.0.0.1:9/auth/oauth/acme/callback';

async function rejectsWith(promise: Promise<unknown>, reason: OAuthFailure): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof OAuthFlowError, `an OAuthFlowError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    return true;
  });
}

describe('OpenID Connect against oidc-provider', () => {
  let idp: OidcTestProvider;
  let provider: ReturnType<typeof openIdProvider>;

  before(async () => {
    idp = await startOidcProvider({
      clients: [{ clientId: 'pow-app', clientSecret: 'pow-app-secret-0123456789', redirectUris: [REDIRECT] }],
      accounts: [
        { sub: 'alice-sub', email: 'alice@example.com', email_verified: true, name: 'Alice' },
        { sub: 'bob-sub', email: 'bob@example.com', email_verified: false, name: 'Bob' },
      ],
    });
    provider = openIdProvider('acme', {
      issuer: idp.issuer,
      clientId: 'pow-app',
      clientSecret: 'pow-app-secret-0123456789',
      // Generous: the suite runs on busy 2-core machines. The deadline test uses its own provider.
      timeoutMs: 10_000,
    });
  });
  after(() => idp.close());

  async function roundTrip(account = 'alice-sub') {
    idp.nextLogin(account);
    const { url, pending } = await beginAuthorization(provider, { redirectUri: REDIRECT });
    const callback = await followToCallback(url, REDIRECT);
    return { url, pending, callback };
  }

  test('the authorization URL carries a PKCE S256 challenge, state and nonce, and no secret', async () => {
    const { url, pending } = await beginAuthorization(provider, { redirectUri: REDIRECT });
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(url.searchParams.get('code_challenge'), pending.codeVerifier);
    assert.equal(url.searchParams.get('state'), pending.state);
    assert.equal(url.searchParams.get('nonce'), pending.nonce);
    assert.equal(url.searchParams.get('scope'), 'openid email profile');
    assert.ok(!url.href.includes('pow-app-secret'), 'the client secret never goes into the URL');
    assert.ok(!url.href.includes(pending.codeVerifier), 'the verifier never goes into the URL');
  });

  test('a full round trip returns the subject and the verified e-mail', async () => {
    const { pending, callback } = await roundTrip('alice-sub');
    const profile = await completeAuthorization(provider, callback, pending);
    assert.deepEqual(profile, {
      provider: 'acme',
      subject: 'alice-sub',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice',
    });
  });

  test('the Google adapter speaks the same OpenID Connect flow (this provider standing in for accounts.google.com)', async () => {
    const standIn = google({
      issuer: idp.issuer,
      clientId: 'pow-app',
      clientSecret: 'pow-app-secret-0123456789',
      timeoutMs: 10_000,
    });
    assert.equal(standIn.label, 'Google');
    idp.nextLogin('alice-sub');
    const { url, pending } = await beginAuthorization(standIn, { redirectUri: REDIRECT });
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const callback = await followToCallback(url, REDIRECT);
    const profile = await completeAuthorization(standIn, callback, pending);
    assert.deepEqual(profile, {
      provider: 'google',
      subject: 'alice-sub',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice',
    });
  });

  test('a subject longer than the 255 characters OpenID Connect allows is refused; 255 pass', async () => {
    const longest = 's'.repeat(255);
    idp.tamperNextIdToken((claims) => ({ ...claims, sub: longest }));
    const fits = await roundTrip('alice-sub');
    assert.equal((await completeAuthorization(provider, fits.callback, fits.pending)).subject, longest);
    idp.tamperNextIdToken((claims) => ({ ...claims, sub: `${longest}s` }));
    const { pending, callback } = await roundTrip('alice-sub');
    await rejectsWith(completeAuthorization(provider, callback, pending), 'incomplete_profile');
  });

  test('an e-mail the provider did not verify is reported as unverified', async () => {
    const { pending, callback } = await roundTrip('bob-sub');
    const profile = await completeAuthorization(provider, callback, pending);
    assert.equal(profile.email, 'bob@example.com');
    assert.equal(profile.emailVerified, false);
  });

  test('a tampered state is refused before the code is exchanged', async () => {
    const { pending, callback } = await roundTrip();
    const before = idp.tokenRequests();
    const forged = new URL(callback);
    forged.searchParams.set('state', `${pending.state.slice(0, -2)}xx`);
    await rejectsWith(completeAuthorization(provider, forged, pending), 'state_mismatch');
    const missing = new URL(callback);
    missing.searchParams.delete('state');
    await rejectsWith(completeAuthorization(provider, missing, pending), 'state_mismatch');
    assert.equal(idp.tokenRequests(), before, 'no token request was made');
  });

  test("a callback from another browser's sign-in is refused (state bound to the pending record)", async () => {
    const mine = await beginAuthorization(provider, { redirectUri: REDIRECT });
    const theirs = await roundTrip();
    await rejectsWith(completeAuthorization(provider, theirs.callback, mine.pending), 'state_mismatch');
    await rejectsWith(completeAuthorization(provider, theirs.callback, null), 'expired');
  });

  test('a replayed code is refused by the provider', async () => {
    const { pending, callback } = await roundTrip();
    await completeAuthorization(provider, callback, pending);
    await rejectsWith(completeAuthorization(provider, callback, pending), 'invalid_response');
  });

  test('a wrong PKCE verifier is refused', async () => {
    const { pending, callback } = await roundTrip();
    await rejectsWith(
      completeAuthorization(provider, callback, { ...pending, codeVerifier: 'x'.repeat(43) }),
      'invalid_response',
    );
  });

  test('an ID token with another nonce is refused', async () => {
    const { pending, callback } = await roundTrip();
    idp.tamperNextIdToken((claims) => ({ ...claims, nonce: 'not-the-nonce' }));
    await rejectsWith(completeAuthorization(provider, callback, pending), 'invalid_response');
  });

  test('an expired ID token is refused', async () => {
    const { pending, callback } = await roundTrip();
    const past = Math.floor(Date.now() / 1000) - 3600;
    idp.tamperNextIdToken((claims) => ({ ...claims, iat: past - 60, exp: past }));
    await rejectsWith(completeAuthorization(provider, callback, pending), 'invalid_response');
  });

  test('an ID token for another audience is refused', async () => {
    const { pending, callback } = await roundTrip();
    idp.tamperNextIdToken((claims) => ({ ...claims, aud: 'another-app' }));
    await rejectsWith(completeAuthorization(provider, callback, pending), 'invalid_response');
  });

  test('an ID token from another issuer is refused', async () => {
    const { pending, callback } = await roundTrip();
    idp.tamperNextIdToken((claims) => ({ ...claims, iss: 'http://127.0.0.1:1' }));
    await rejectsWith(completeAuthorization(provider, callback, pending), 'invalid_response');
  });

  test("an ID token not signed with the provider's key is refused", async () => {
    const { pending, callback } = await roundTrip();
    idp.tamperNextIdToken((claims) => claims, { foreignKey: true });
    await rejectsWith(completeAuthorization(provider, callback, pending), 'invalid_response');
  });

  test('a sign-in started longer ago than its lifetime is refused', async () => {
    const { pending, callback } = await roundTrip();
    await rejectsWith(
      completeAuthorization(
        provider,
        callback,
        pending,
        pending.createdAt + PENDING_AUTHORIZATION_TTL_MS + 1,
      ),
      'expired',
    );
  });

  test('the provider declining (access_denied) is reported as denied', async () => {
    const { pending } = await beginAuthorization(provider, { redirectUri: REDIRECT });
    const callback = new URL(REDIRECT);
    callback.searchParams.set('error', 'access_denied');
    callback.searchParams.set('state', pending.state);
    await rejectsWith(completeAuthorization(provider, callback, pending), 'denied');
  });

  test('a provider that does not answer fails within its deadline as unavailable', async () => {
    const hurried = openIdProvider('acme', {
      issuer: idp.issuer,
      clientId: 'pow-app',
      clientSecret: 'pow-app-secret-0123456789',
      timeoutMs: 2_500,
    });
    idp.nextLogin('alice-sub');
    const { url, pending } = await beginAuthorization(hurried, { redirectUri: REDIRECT });
    const callback = await followToCallback(url, REDIRECT);
    idp.stall(8_000);
    try {
      const started = Date.now();
      await rejectsWith(completeAuthorization(hurried, callback, pending), 'unavailable');
      assert.ok(Date.now() - started < 7_500, 'gave up before the provider answered');
    } finally {
      idp.stall(0);
    }
  });
});

describe('a provider that cannot be reached', () => {
  test('discovery against a closed port is unavailable, and the next try discovers again', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const provider = openIdProvider('gone', {
      issuer: `http://127.0.0.1:${port}`,
      clientId: 'x',
      timeoutMs: 500,
    });
    await rejectsWith(beginAuthorization(provider, { redirectUri: REDIRECT }), 'unavailable');
    await rejectsWith(beginAuthorization(provider, { redirectUri: REDIRECT }), 'unavailable');
  });
});

describe('provider definitions', () => {
  test('plain http is refused except on this machine', () => {
    assert.throws(
      () => openIdProvider('acme', { issuer: 'http://login.example.com', clientId: 'x' }),
      /must use https/,
    );
    assert.doesNotThrow(() => openIdProvider('acme', { issuer: 'https://login.example.com', clientId: 'x' }));
  });
  test('a provider needs a client id and a name fit for a path', () => {
    assert.throws(
      () => openIdProvider('acme', { issuer: 'https://login.example.com', clientId: '' }),
      /no client id/,
    );
    assert.throws(
      () => openIdProvider('Acme Corp', { issuer: 'https://login.example.com', clientId: 'x' }),
      /lower-case/,
    );
  });
});

describe('GitHub against a stand-in for its endpoints', () => {
  const redirectUri = 'http://127.0.0.1:9/auth/oauth/github/callback';

  test('the numeric id and the verified primary address', async (t) => {
    const standIn = await startGitHubStandIn({
      clientId: 'gh-client',
      clientSecret: 'gh-secret',
      user: {
        id: 583231,
        login: 'octocat',
        name: 'The Octocat',
        emails: [
          { email: 'old@example.com', primary: false, verified: true },
          { email: 'octocat@example.com', primary: true, verified: true },
        ],
      },
    });
    t.after(() => standIn.close());
    const provider = github({
      clientId: 'gh-client',
      clientSecret: 'gh-secret',
      endpoints: standIn.endpoints,
    });
    const { url, pending } = await beginAuthorization(provider, { redirectUri });
    assert.equal(pending.nonce, undefined, 'GitHub has no ID token, so no nonce');
    const profile = await completeAuthorization(provider, await followToCallback(url, redirectUri), pending);
    assert.deepEqual(profile, {
      provider: 'github',
      subject: '583231',
      email: 'octocat@example.com',
      emailVerified: true,
      name: 'The Octocat',
    });

    standIn.setUser({
      id: 7,
      login: 'mallory',
      name: null,
      emails: [{ email: 'victim@example.com', primary: true, verified: false }],
    });
    const second = await beginAuthorization(provider, { redirectUri });
    const unverified = await completeAuthorization(
      provider,
      await followToCallback(second.url, redirectUri),
      second.pending,
    );
    assert.equal(unverified.email, 'victim@example.com');
    assert.equal(unverified.emailVerified, false, 'an unverified GitHub address never counts as verified');
    assert.equal(unverified.name, 'mallory');
  });

  test('a wrong verifier or a reused code is refused', async (t) => {
    const standIn = await startGitHubStandIn({
      clientId: 'gh-client',
      clientSecret: 'gh-secret',
      user: { id: 1, login: 'a', name: null, emails: [] },
    });
    t.after(() => standIn.close());
    const provider = github({
      clientId: 'gh-client',
      clientSecret: 'gh-secret',
      endpoints: standIn.endpoints,
    });
    const { url, pending } = await beginAuthorization(provider, { redirectUri });
    const callback = await followToCallback(url, redirectUri);
    await rejectsWith(
      completeAuthorization(provider, callback, { ...pending, codeVerifier: 'y'.repeat(43) }),
      'invalid_response',
    );
    await rejectsWith(completeAuthorization(provider, callback, pending), 'invalid_response');
  });
});
