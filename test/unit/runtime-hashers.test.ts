import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync } from 'node:crypto';
import bcrypt from 'bcryptjs';
import {
  argon2Hasher,
  argon2MeetsFloor,
  bcryptVerify,
  pbkdf2Verify,
  ARGON2_INSECURE_TEST,
} from '../../src/runtime/index.js';

const cheap = () => argon2Hasher({ ...ARGON2_INSECURE_TEST, allowWeak: true });

// Test vectors from pow-behaviour.md §3.10 (password "secret1234", salt "0123456789abcdef").
const POW_PBKDF2_1 =
  '$pbkdf2-sha512$1$MDEyMzQ1Njc4OWFiY2RlZg==$ZF3zWgP09zwFYfmVusWU3ar+OsrLdl/AG1eudqV0ruCZZODwgDkAxXZNWl5gvcegwO2/Hgc0BfP3v32HLgABGg==';
const POW_PBKDF2_100K =
  '$pbkdf2-sha512$100000$MDEyMzQ1Njc4OWFiY2RlZg==$1lMupKyfiiMVmQMSurej/NX2p7s16zIyLtlUv0vlGU6w+G8bgrj/YBpmKJKcgfeMniZPyGPD413fOdlpsSf0rg==';

function powPbkdf2(password: string, iterations = 1): string {
  const salt = Buffer.from('fedcba9876543210');
  const hash = pbkdf2Sync(password, salt, iterations, 64, 'sha512');
  return `$pbkdf2-sha512$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

describe('argon2Hasher', () => {
  it('default hashes are PHC argon2id v=19 m=19456,t=2,p=1 with unique 16-byte salts (B1, B2)', async () => {
    const hasher = argon2Hasher();
    const a = await hasher.hash('the same password');
    const b = await hasher.hash('the same password');
    assert.match(a, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    assert.notEqual(a, b);
    const salt = Buffer.from(a.split('$')[4], 'base64');
    assert.ok(salt.length >= 16, `salt is ${salt.length} bytes`);
    assert.equal(await hasher.verify(a, 'the same password'), true);
    assert.equal(await hasher.verify(a, 'the same passworD'), false);
    assert.equal(hasher.needsRehash(a), false);
  });

  it('insecure test parameters are m=1024,t=1 and need a rehash under the default hasher', async () => {
    const hash = await cheap().hash('pw');
    assert.match(hash, /^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    assert.equal(argon2Hasher().needsRehash(hash), true);
    assert.equal(cheap().needsRehash(hash), false);
    assert.equal(
      cheap().needsRehash(await argon2Hasher({ memoryCost: 512, timeCost: 1, allowWeak: true }).hash('pw')),
      true,
    );
    assert.equal(
      cheap().needsRehash(await argon2Hasher({ memoryCost: 4096, timeCost: 1, allowWeak: true }).hash('pw')),
      false,
      'stronger is fine',
    );
  });

  it('refuses parameters below the OWASP floor unless allowWeak (and never in production)', () => {
    assert.throws(() => argon2Hasher({ memoryCost: 1024, timeCost: 1 }), /argon2Hasher/);
    assert.equal(argon2MeetsFloor(19456, 2), true);
    assert.equal(argon2MeetsFloor(47104, 1), true);
    assert.equal(argon2MeetsFloor(19455, 2), false);
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      assert.throws(() => cheap(), /insecureTestParameters/);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  it('verify never throws on malformed input and says false', async () => {
    const hasher = cheap();
    for (const bad of [
      '',
      'plain',
      '$argon2id$',
      '$argon2id$v=19$m=1024,t=1,p=1$!!!$???',
      '$2b$10$short',
      '$pbkdf2-sha512$x$y$z',
      '$pbkdf2-md5$1$YQ==$YQ==',
      null,
      undefined,
      42,
    ]) {
      assert.equal(await hasher.verify(bad as unknown as string, 'password'), false, String(bad));
      assert.equal(hasher.needsRehash(bad as unknown as string), true);
    }
  });

  it('nothing is truncated: for P over 72 bytes, P + "x" never verifies against hash(P), on every backend (A6)', async () => {
    const long = 'é'.repeat(40) + 'tail'; // 84 bytes
    const hasher = cheap();
    const argon = await hasher.hash(long);
    assert.equal(await hasher.verify(argon, long), true);
    assert.equal(await hasher.verify(argon, long + 'x'), false);
    const pbkdf = powPbkdf2(long);
    assert.equal(await hasher.verify(pbkdf, long), true);
    assert.equal(await hasher.verify(pbkdf, long + 'x'), false);
    const seventyTwo = 'a'.repeat(72);
    const bcryptHash = await bcrypt.hash(seventyTwo, 4);
    assert.equal(await hasher.verify(bcryptHash, seventyTwo), true);
    assert.equal(await bcrypt.compare(seventyTwo + 'x', bcryptHash), true, 'bcrypt itself truncates...');
    assert.equal(
      await hasher.verify(bcryptHash, seventyTwo + 'x'),
      false,
      '...pow refuses inputs over 72 bytes',
    );
  });
});

describe('imported hashes', () => {
  it("verifies Pow's PBKDF2-SHA512 test vectors (1 and 100,000 iterations)", async () => {
    assert.equal(await pbkdf2Verify(POW_PBKDF2_1, 'secret1234'), true);
    assert.equal(await pbkdf2Verify(POW_PBKDF2_1, 'secret12345'), false);
    assert.equal(await pbkdf2Verify(POW_PBKDF2_100K, 'secret1234'), true);
    assert.equal(await pbkdf2Verify(POW_PBKDF2_100K, 'Secret1234'), false);
    const hasher = cheap();
    assert.equal(await hasher.verify(POW_PBKDF2_1, 'secret1234'), true);
    assert.equal(hasher.needsRehash(POW_PBKDF2_1), true);
    // A flipped byte in the stored hash fails.
    const tampered = POW_PBKDF2_1.replace('ZF3z', 'ZF3y');
    assert.equal(await pbkdf2Verify(tampered, 'secret1234'), false);
    // sha256 digests (Pow's digest is configurable) work too.
    const salt = Buffer.from('0123456789abcdef');
    const sha256 = `$pbkdf2-sha256$3$${salt.toString('base64')}$${pbkdf2Sync('pw', salt, 3, 32, 'sha256').toString('base64')}`;
    assert.equal(await pbkdf2Verify(sha256, 'pw'), true);
  });

  it('verifies bcrypt ($2a$/$2b$/$2y$) and refuses passwords over 72 bytes', async () => {
    const hash = await bcrypt.hash('legacy password', 4);
    assert.equal(await bcryptVerify(hash, 'legacy password'), true);
    assert.equal(await bcryptVerify(hash.replace(/^\$2b\$/, '$2y$'), 'legacy password'), true);
    assert.equal(await bcryptVerify(hash, 'legacy passwor'), false);
    assert.equal(await bcryptVerify(await bcrypt.hash('b'.repeat(73), 4), 'b'.repeat(73)), false);
    assert.equal(cheap().needsRehash(hash), true);
  });

  it('legacy verification can be switched off', async () => {
    const strict = argon2Hasher({ ...ARGON2_INSECURE_TEST, allowWeak: true, legacy: false });
    assert.equal(await strict.verify(POW_PBKDF2_1, 'secret1234'), false);
    assert.equal(createHash('sha256').update('x').digest('hex').length, 64);
  });
});
