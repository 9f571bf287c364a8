/**
 * Encryption at rest of TOTP secrets (two-factor extension). A TOTP secret cannot be hashed (the
 * server needs it to compute codes), so a database dump would hand out every second factor; with
 * an encryption key configured (`twoFactor.encryptionKey`, kept out of the database, e.g. in
 * POW_TWO_FACTOR_KEY) the column holds AES-256-GCM ciphertext instead.
 *
 * - The AES key is derived from the configured key (HMAC-SHA256, purpose-bound), so any string of
 *   32+ characters works and the raw configured key is never used directly.
 * - The user type and user id are the GCM additional data: a ciphertext copied into another user's
 *   row does not decrypt.
 * - Stored forms: `v1.<iv>.<tag>.<ciphertext>` (base64url parts), or `plain.<secret>` when no key
 *   is configured (docs/account-security.md says what that costs). A `v1.` value read without a
 *   key, or with another key, is an error, never a silent "no second factor".
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PowError } from '../../shared/pow-error.js';
import { deriveSecretKey } from '../core/crypto.js';

const ENCRYPTED = 'v1.';
const PLAIN = 'plain.';

export interface SecretBox {
  /** True when secrets are encrypted (a key is configured). */
  readonly encrypts: boolean;
  seal(secret: string, owner: string): string;
  open(stored: string, owner: string): string;
}

/** `key`: the configured encryption key, or undefined to store secrets as they are. */
export function createSecretBox(key: () => string | undefined): SecretBox {
  let derived: Buffer | null | undefined;
  const aesKey = (): Buffer | null => {
    if (derived !== undefined) return derived;
    const raw = key();
    return (derived = raw === undefined ? null : deriveSecretKey(raw, 'two-factor/secret-at-rest'));
  };
  return {
    get encrypts() {
      return aesKey() !== null;
    },
    seal(secret, owner) {
      const k = aesKey();
      if (k === null) {
        warnPlainInProduction();
        return PLAIN + secret;
      }
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      cipher.setAAD(Buffer.from(owner, 'utf8'));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `${ENCRYPTED}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
    },
    open(stored, owner) {
      if (stored.startsWith(PLAIN)) return stored.slice(PLAIN.length);
      const k = aesKey();
      if (!stored.startsWith(ENCRYPTED) || k === null) throw unreadable(k === null);
      const [iv, tag, body] = stored.slice(ENCRYPTED.length).split('.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv ?? '', 'base64url'));
        decipher.setAAD(Buffer.from(owner, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
        return Buffer.concat([
          decipher.update(Buffer.from(body ?? '', 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw unreadable(false);
      }
    },
  };
}

let warned = false;
/** Once per process: production storing a second factor in clear is worth a line on stderr. */
function warnPlainInProduction(): void {
  if (warned || process.env.NODE_ENV !== 'production') return;
  warned = true;
  console.warn(
    'pow: two-factor secrets are stored unencrypted: set POW_TWO_FACTOR_KEY (twoFactor.encryptionKey) so a database dump holds no usable second factor (docs/account-security.md).',
  );
}

function unreadable(noKey: boolean): PowError {
  return new PowError({
    code: 'POW_TWO_FACTOR_KEY',
    message: noKey
      ? 'A two-factor secret in the database is encrypted, but no twoFactor.encryptionKey is configured.'
      : 'A two-factor secret in the database does not decrypt with the configured twoFactor.encryptionKey (another key, or a changed row).',
    fix: 'Set POW_TWO_FACTOR_KEY (twoFactor.encryptionKey) to the key the secrets were encrypted with.',
  });
}
