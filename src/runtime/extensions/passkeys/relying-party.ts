/**
 * The relying party of the passkeys: its id and the origin browsers must report, both from the
 * app's configured base URL (`powExpress({ baseUrl })`, express/base-url.ts), never from the Host
 * header of a request. A passkey is bound to the RP id (the host name): it works on that host and
 * its subdomains' pages that use the same RP id, and nowhere else.
 */
export interface RelyingParty {
  /** The host name of the base URL, e.g. "example.com". */
  id: string;
  /** The origin of the base URL, e.g. "https://example.com" (scheme, host, port). */
  origin: string;
  /** Shown by the authenticator while creating a passkey. */
  name: string;
}

export function relyingPartyOf(baseUrl: string, name?: string): RelyingParty {
  const url = new URL(baseUrl);
  return { id: url.hostname, origin: url.origin, name: name ?? url.hostname };
}
