import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import Tokens from 'csrf';
import type { IncomingMessage } from 'node:http';
import {
  createCsrfSecret,
  createCsrfToken,
  crossSiteRequest,
  presentedCsrfToken,
  verifyCsrfToken,
} from '../../src/runtime/express/csrf.js';
import { BodyError, parseUrlencoded, readUrlencodedBody } from '../../src/runtime/express/body.js';

function fakeRequest(headers: Record<string, string>, body?: string): IncomingMessage {
  const stream = new PassThrough();
  Object.assign(stream, { headers });
  if (body !== undefined) stream.end(body);
  return stream as unknown as IncomingMessage;
}

describe('csrf tokens', () => {
  it('verify only against the secret that made them; each token looks different', () => {
    const secret = createCsrfSecret();
    const other = createCsrfSecret();
    const a = createCsrfToken(secret);
    const b = createCsrfToken(secret);
    assert.notEqual(a, b);
    assert.equal(verifyCsrfToken(secret, a), true);
    assert.equal(verifyCsrfToken(secret, b), true);
    assert.equal(verifyCsrfToken(other, a), false);
    assert.equal(verifyCsrfToken(undefined, a), false);
    assert.equal(verifyCsrfToken(secret, undefined), false);
    assert.equal(verifyCsrfToken(secret, a + 'x'), false);
    assert.equal(verifyCsrfToken(secret, 'x'.repeat(300)), false);
  });

  it('tokens keep the format of the csrf package and verify with it; a changed salt or hash does not', () => {
    const secret = createCsrfSecret();
    const reference = new Tokens();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const token = createCsrfToken(secret);
      assert.match(token, /^[0-9a-f]{8}-[A-Za-z0-9_-]{27}$/);
      assert.equal(reference.verify(secret, token), true, token);
      seen.add(token.split('-')[0]!);
      const [salt, mac] = [token.slice(0, 8), token.slice(9)];
      const otherSalt = (salt[0] === 'a' ? 'b' : 'a') + salt.slice(1);
      assert.equal(verifyCsrfToken(secret, `${otherSalt}-${mac}`), false);
      const otherMac = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
      assert.equal(verifyCsrfToken(secret, `${salt}-${otherMac}`), false);
    }
    assert.ok(seen.size > 190, 'salts from the CSPRNG, across refills of the pool');
    // Tokens the package made still verify (sessions signed in before this change).
    assert.equal(verifyCsrfToken(secret, reference.create(secret)), true);
    assert.throws(() => createCsrfToken(''), /secret/);
  });

  it('reads the token from the body first, then headers', () => {
    const req = fakeRequest({ 'x-csrf-token': 'from-header' }) as IncomingMessage & { body?: unknown };
    assert.equal(presentedCsrfToken(req), 'from-header');
    req.body = { _csrf: 'from-body' };
    assert.equal(presentedCsrfToken(req), 'from-body');
    req.body = { _csrf: ['a', 'b'] };
    assert.equal(presentedCsrfToken(req), 'from-header');
  });

  it('flags cross-site requests by Sec-Fetch-Site, else by Origin against baseUrl', () => {
    assert.equal(crossSiteRequest(fakeRequest({ 'sec-fetch-site': 'cross-site' }), undefined), true);
    assert.equal(crossSiteRequest(fakeRequest({ origin: 'https://evil.test' }), 'https://app.test'), true);
    assert.equal(crossSiteRequest(fakeRequest({ origin: 'https://app.test' }), 'https://app.test'), false);
    assert.equal(crossSiteRequest(fakeRequest({}), 'https://app.test'), false);
  });

  it('refuses a foreign Origin without Fetch Metadata, with or without a base URL', () => {
    // Without a base URL the request's own Host is the app's origin (issue 16, item 6).
    const evil = { origin: 'https://evil.test', host: 'app.test' };
    assert.equal(crossSiteRequest(fakeRequest(evil), undefined), true);
    assert.equal(
      crossSiteRequest(fakeRequest({ origin: 'https://app.test', host: 'app.test' }), undefined),
      false,
    );
    // A TLS-terminating proxy: the browser's https Origin, the app's plain Host.
    assert.equal(
      crossSiteRequest(fakeRequest({ origin: 'https://APP.test', host: 'app.test' }), undefined),
      false,
    );
    assert.equal(crossSiteRequest(fakeRequest({ origin: 'null', host: 'app.test' }), undefined), true);
    // Fetch Metadata, when the browser sends it, decides; Origin is the fallback.
    assert.equal(
      crossSiteRequest(fakeRequest({ 'sec-fetch-site': 'same-origin', ...evil }), undefined),
      false,
    );
    // A sibling subdomain is another application.
    assert.equal(
      crossSiteRequest(
        fakeRequest({ origin: 'https://blog.app.test', host: 'app.test' }),
        'https://app.test',
      ),
      true,
    );
    assert.equal(
      crossSiteRequest(fakeRequest({ host: 'app.test' }), undefined),
      false,
      'no Origin: the token decides',
    );
  });
});

describe('urlencoded body', () => {
  it('parses flat keys, repeated keys as arrays, and skips prototype keys', () => {
    const body = parseUrlencoded('a=1&b=x+y&a=2&__proto__=bad&constructor=bad&c=%E2%9C%93');
    assert.deepEqual({ ...body }, { a: ['1', '2'], b: 'x y', c: '✓' });
    assert.equal(Object.getPrototypeOf(body), Object.prototype);
    assert.equal(({} as Record<string, unknown>).bad, undefined);
  });

  it('reads urlencoded bodies only, within the limit', async () => {
    const form = 'application/x-www-form-urlencoded; charset=utf-8';
    assert.deepEqual(
      await readUrlencodedBody(fakeRequest({ 'content-type': form }, '_csrf=t&_method=DELETE')),
      { _csrf: 't', _method: 'DELETE' },
    );
    assert.equal(
      await readUrlencodedBody(fakeRequest({ 'content-type': 'application/json' }, '{}')),
      undefined,
    );
    await assert.rejects(
      readUrlencodedBody(fakeRequest({ 'content-type': form }, 'a='.padEnd(200, 'x')), 100),
      (e: unknown) => e instanceof BodyError && e.status === 413,
    );
    await assert.rejects(
      readUrlencodedBody(fakeRequest({ 'content-type': form, 'content-length': '999999' }, 'a=1'), 100),
      (e: unknown) => e instanceof BodyError && e.status === 413,
    );
    await assert.rejects(
      readUrlencodedBody(fakeRequest({ 'content-type': form, 'content-encoding': 'gzip' }, 'a=1')),
      (e: unknown) => e instanceof BodyError && e.status === 415,
    );
  });
});
