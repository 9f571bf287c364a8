/**
 * `powExpress({ baseUrl })`: the app's public origin, for links in e-mails and the Origin check of
 * state-changing requests. Never taken from the Host header. It may be a function such as
 * `fromEnv('POW_BASE_URL', { development: 'http://localhost:3000' })`, read at start-up.
 */
import { deferredSetting, type Deferred, type Setting } from '../core/deferred.js';

function notAbsolute(value: string): string | null {
  if (typeof value !== 'string') return 'is not a string';
  try {
    new URL(value);
    return null;
  } catch {
    return `(${JSON.stringify(value)}) is not an absolute URL`;
  }
}

/**
 * Required when the user type's extensions mail links (reset password, confirmation, invitation)
 * or use passkeys (their origin and RP id are the base URL's).
 */
export function resolveBaseUrl(
  value: Deferred<string | undefined> | undefined,
  needs: { mailsLinks: boolean; passkeys?: boolean },
): Setting<string | undefined> {
  const purpose = needs.mailsLinks
    ? 'pow builds the links in its e-mails with it (links are never built from the Host header)'
    : needs.passkeys
      ? 'passkeys are bound to its origin and host name (the WebAuthn origin and RP id)'
      : 'pow checks the Origin of form posts against it and builds links in e-mails with it';
  return deferredSetting<string>(
    value,
    {
      key: 'powExpress({ baseUrl })',
      purpose,
      expected: 'the absolute origin of the app, e.g. https://example.com',
      problem: notAbsolute,
    },
    { required: needs.mailsLinks || needs.passkeys === true },
  );
}
