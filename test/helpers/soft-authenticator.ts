/**
 * A software WebAuthn authenticator for runtime tests: an ES256 key pair, "none" attestation, a
 * signature counter the test sets, and client data with any origin the test wants (to check that
 * pow refuses a wrong one). It builds the JSON a browser's @simplewebauthn/browser would post.
 * Real browsers are tested with Chromium's virtual authenticator (test/browser/passkeys.test.ts).
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

export interface SoftAuthenticator {
  /** base64url credential id. */
  readonly id: string;
  /** Whether its assertions say the user was verified (PIN, biometrics); default true. */
  userVerified: boolean;
  /** The next signature counter it reports (0: an authenticator that keeps none). */
  counter: number;
  /** A registration response for `options` (from pow's registration options). */
  register(options: Record<string, unknown>, origin: string): Record<string, unknown>;
  /** An authentication response for `options` (from pow's sign-in options). */
  authenticate(options: Record<string, unknown>, origin: string, rpId: string): Record<string, unknown>;
}

function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

/**
 * `publicKeyPadding`: that many extra bytes in the COSE public key (a map entry no algorithm
 * uses), as a hostile client could send to grow the stored key.
 */
export function softAuthenticator(
  counter = 0,
  options: { publicKeyPadding?: number } = {},
): SoftAuthenticator {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialId = randomBytes(16);
  let userHandle: string | null = null;
  const cose = Buffer.from(
    isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
        ...(options.publicKeyPadding
          ? [[-100, new Uint8Array(options.publicKeyPadding).fill(7)] as [number, Uint8Array]]
          : []),
      ]),
    ),
  );
  const clientData = (type: string, challenge: unknown, origin: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  const signWith = (key: KeyObject, data: Buffer) => sign('sha256', data, key);

  const self: SoftAuthenticator = {
    id: b64url(credentialId),
    counter,
    userVerified: true,
    register(options, origin) {
      const rp = options.rp as { id: string };
      userHandle = (options.user as { id: string }).id;
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(credentialId.length);
      // flags: user present, user verified, attested credential data
      const authData = Buffer.concat([
        sha256(rp.id),
        Buffer.from([0x45]),
        uint32(self.counter),
        Buffer.alloc(16),
        idLength,
        credentialId,
        cose,
      ]);
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', new Uint8Array(authData)],
        ]) as never,
      );
      return {
        id: self.id,
        rawId: self.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', options.challenge, origin)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
    authenticate(options, origin, rpId) {
      // flags: user present, and user verified unless the test turned it off
      const flags = self.userVerified ? 0x05 : 0x01;
      const authData = Buffer.concat([sha256(rpId), Buffer.from([flags]), uint32(self.counter)]);
      const client = clientData('webauthn.get', options.challenge, origin);
      const signature = signWith(privateKey, Buffer.concat([authData, sha256(client)]));
      return {
        id: self.id,
        rawId: self.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(client),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          ...(userHandle ? { userHandle } : {}),
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
  };
  return self;
}
