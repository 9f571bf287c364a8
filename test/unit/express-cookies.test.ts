import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { hmacSha256Base64url } from '../../src/runtime/core/crypto.js';
import {
  createSigner,
  deriveKey,
  readCookie,
  serializeCookie,
  setCookieHeader,
  type HeaderTarget,
} from '../../src/runtime/express/cookies.js';

const SECRET = 'x'.repeat(40);

describe('readCookie', () => {
  it('finds a cookie by exact name, first occurrence, with odd spacing and quotes', () => {
    const header = 'pow_user_anon=a; pow_user=b;pow_admin="c" ; other=d=e';
    assert.equal(readCookie(header, 'pow_user'), 'b');
    assert.equal(readCookie(header, 'pow_user_anon'), 'a');
    assert.equal(readCookie(header, 'pow_admin'), 'c');
    assert.equal(readCookie(header, 'other'), 'd=e');
    assert.equal(readCookie(header, 'pow'), undefined);
    assert.equal(readCookie(header, 'user'), undefined);
    assert.equal(readCookie('a=1; a=2', 'a'), '1');
    assert.equal(readCookie(undefined, 'a'), undefined);
    assert.equal(readCookie('', 'a'), undefined);
    assert.equal(readCookie('a=', 'a'), '');
  });
});

describe('signer', () => {
  it('round-trips and refuses any change to value or signature', () => {
    const signer = createSigner(SECRET, 'session:user');
    const signed = signer.sign('token-value');
    assert.equal(signer.unsign(signed), 'token-value');
    const mac = signed.slice(signed.lastIndexOf('.') + 1);
    assert.equal(mac.length, 43);
    assert.equal(signer.unsign(`token-valuf.${mac}`), null);
    // Every single-character change of the signature is refused, including the last character
    // (whose spare bits base64 decoding would ignore).
    for (let i = 0; i < mac.length; i++) {
      const ch = mac[i] === 'A' ? 'B' : 'A';
      const tampered = `token-value.${mac.slice(0, i)}${ch}${mac.slice(i + 1)}`;
      assert.equal(signer.unsign(tampered), null, `position ${i}`);
    }
    assert.equal(signer.unsign('token-value'), null);
    assert.equal(signer.unsign(`token-value.${mac}x`), null);
    assert.equal(signer.unsign(''), null);
    assert.equal(signer.unsign(`.${mac}`), null);
  });

  it('signs with standard HMAC-SHA256 (same bytes as createHmac) for any key and message size', () => {
    const messages = ['', 'token-value', 'ünïcödé ✓', 'a'.repeat(512), 'b'.repeat(513), 'c'.repeat(3800)];
    for (const key of [randomBytes(32), randomBytes(64), randomBytes(65), randomBytes(1)]) {
      const mac = hmacSha256Base64url(key);
      for (const message of [...messages, randomBytes(40).toString('base64url'), ...messages.reverse()]) {
        assert.equal(mac(message), createHmac('sha256', key).update(message).digest('base64url'));
      }
    }
    const signer = createSigner(SECRET, 'session:user');
    const expected = createHmac('sha256', deriveKey(SECRET, 'session:user')).update('t').digest('base64url');
    assert.equal(signer.sign('t'), `t.${expected}`);
  });

  it('binds signatures to the purpose and the secret', () => {
    const user = createSigner(SECRET, 'session:user');
    const admin = createSigner(SECRET, 'session:admin');
    const otherSecret = createSigner('y'.repeat(40), 'session:user');
    const signed = user.sign('t');
    assert.equal(admin.unsign(signed), null);
    assert.equal(otherSecret.unsign(signed), null);
  });
});

describe('serializeCookie / setCookieHeader', () => {
  it('writes HttpOnly, SameSite=Lax, Path=/ and no Domain by default; Secure on request', () => {
    assert.equal(serializeCookie('a', 'b'), 'a=b; Path=/; HttpOnly; SameSite=Lax');
    assert.equal(
      serializeCookie('__Host-a', 'b', { secure: true }),
      '__Host-a=b; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
    assert.match(
      serializeCookie('a', '', { maxAge: 0 }),
      /^a=; Path=\/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/,
    );
    assert.throws(() => serializeCookie('a b', 'c'), /invalid cookie name/);
    assert.throws(() => serializeCookie('a', 'b;c'), /invalid value/);
  });

  it('replaces an earlier Set-Cookie of the same name and keeps the others', () => {
    const headers = new Map<string, unknown>();
    const res: HeaderTarget = {
      headersSent: false,
      getHeader: (name) => headers.get(name.toLowerCase()) as string[] | undefined,
      setHeader: (name, value) => headers.set(name.toLowerCase(), value),
    };
    setCookieHeader(res, 'a', 'a=1');
    setCookieHeader(res, 'ab', 'ab=2');
    setCookieHeader(res, 'a', 'a=3');
    assert.deepEqual(headers.get('set-cookie'), ['ab=2', 'a=3']);
  });
});
