/**
 * The `--provider` values of the oauth extension: what is accepted, how later runs add to earlier
 * ones, and the names of the environment variables the config and `.env.example` use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkOAuthChoice,
  checkProviderSpecs,
  mergeProviders,
  providerEnvKeys,
  templateProviders,
} from '../../src/recipes/oauth-providers.js';

test('--provider takes github, google and oidc:<name>, each once', () => {
  assert.deepEqual(checkProviderSpecs(['github', 'google', 'oidc:company']), [
    'github',
    'google',
    'oidc:company',
  ]);
  for (const bad of ['gitlab', 'oidc:', 'oidc:Company', 'oidc:github', 'oidc:a b']) {
    assert.throws(
      () => checkProviderSpecs([bad]),
      (e: Error & { exitCode?: number }) => e.exitCode === 2,
      bad,
    );
  }
  assert.throws(() => checkProviderSpecs(['github', 'github']), /given twice/);
});

test('a later run adds providers and keeps the earlier ones, in order', () => {
  assert.deepEqual(mergeProviders(['github'], ['oidc:company', 'github']), ['github', 'oidc:company']);
  assert.deepEqual(mergeProviders(undefined, ['google']), ['google']);
});

test('the extension needs a provider, and a provider needs the extension', () => {
  assert.throws(() => checkOAuthChoice(['oauth'], [], 'npx pow install'), /at least one --provider/);
  assert.throws(
    () => checkOAuthChoice([], ['github'], 'npx pow install'),
    (e: Error & { fix?: string }) =>
      /not enabled/.test(e.message) && (e.fix ?? '').includes('--extension oauth --provider github'),
  );
  assert.doesNotThrow(() => checkOAuthChoice(['oauth'], ['github'], 'npx pow install'));
});

test('variables: per provider, prefixed with a namespace; oidc providers have an issuer', () => {
  const [github, company] = templateProviders(['github', 'oidc:back-office'], null);
  assert.deepEqual(github!.env, {
    clientId: 'GITHUB_CLIENT_ID',
    clientSecret: 'GITHUB_CLIENT_SECRET',
    issuer: null,
  });
  assert.equal(github!.label, 'GitHub');
  assert.deepEqual(company!.env, {
    clientId: 'BACK_OFFICE_CLIENT_ID',
    clientSecret: 'BACK_OFFICE_CLIENT_SECRET',
    issuer: 'BACK_OFFICE_ISSUER',
  });
  assert.equal(company!.name, 'back-office');
  assert.equal(company!.label, 'Back office');
  const [admin] = templateProviders(['oidc:company'], 'admin');
  assert.equal(admin!.env.issuer, 'ADMIN_COMPANY_ISSUER');
  const keys = providerEnvKeys(admin!, '/admin/auth/company/callback');
  assert.deepEqual(
    keys.map((k) => k.key),
    ['ADMIN_COMPANY_ISSUER', 'ADMIN_COMPANY_CLIENT_ID', 'ADMIN_COMPANY_CLIENT_SECRET'],
  );
  assert.ok(
    keys.every((k) => k.value === ''),
    'placeholders only',
  );
  assert.match(keys[1]!.comment!.join(' '), /<POW_BASE_URL>\/admin\/auth\/company\/callback/);
});
