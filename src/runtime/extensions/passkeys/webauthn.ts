/**
 * @simplewebauthn/server, loaded only when an app turns the passkeys extension on (`import 'pow'`
 * never loads it; it is an optional peer of pow that `pow install --extension passkeys` adds).
 */
type SimpleWebAuthnServer = typeof import('@simplewebauthn/server');

let loading: Promise<SimpleWebAuthnServer> | undefined;

/** The @simplewebauthn/server module, or a clear error when the app has not installed it. */
export function simpleWebAuthn(): Promise<SimpleWebAuthnServer> {
  loading ??= import('@simplewebauthn/server').catch((error: unknown) => {
    loading = undefined;
    throw new Error(
      'pow: passkeys need the package @simplewebauthn/server. Install it: npm install @simplewebauthn/server@14.0.3',
      { cause: error },
    );
  });
  return loading;
}
