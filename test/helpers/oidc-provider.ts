/**
 * A real OpenID Connect provider (panva's oidc-provider, the certified implementation) started
 * in-process for the OAuth tests, behind a small pass-through proxy that lets a test make the
 * provider misbehave: its token endpoint's ID token can be re-signed with the provider's own key
 * but other claims (wrong nonce, audience or expiry), or with a foreign key.
 *
 * Sign-in at the provider needs no form: the interaction step signs in as the account the test
 * chose with `nextLogin(accountId)` and grants the requested scopes, then the provider redirects
 * back to the client as a real one does.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';

export interface ProviderAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface OidcTestProvider {
  issuer: string;
  /** The account the next authorization signs in as. */
  nextLogin(accountId: string): void;
  /** Rewrites the claims of the next ID token (re-signed with the provider's key, or `foreignKey`). */
  tamperNextIdToken(
    change: (claims: Record<string, unknown>) => Record<string, unknown>,
    options?: { foreignKey?: boolean },
  ): void;
  /** Makes every request wait this long before it is answered (an unresponsive provider). */
  stall(ms: number): void;
  /** Token endpoint requests seen (to tell a refused replay from one never sent). */
  tokenRequests(): number;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

async function readBody(req: import('node:http').IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startOidcProvider(options: {
  clients: TestClient[];
  accounts: ProviderAccount[];
}): Promise<OidcTestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' } as JWK;
  const foreign = await generateKeyPair('RS256', { extractable: true });

  const accounts = new Map(options.accounts.map((a) => [a.sub, a]));
  let loginAs = options.accounts[0]?.sub ?? '';
  let tamper: {
    change: (c: Record<string, unknown>) => Record<string, unknown>;
    foreignKey: boolean;
  } | null = null;
  let stallMs = 0;
  let tokenCount = 0;

  // The proxy is the issuer: discovery, authorization and token URLs all point at it.
  const proxy = createServer();
  const proxyPort = await listen(proxy);
  const issuer = `http://127.0.0.1:${proxyPort}`;

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [signingJwk] },
    cookies: { keys: ['pow-test-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ ...account }) };
    },
  });
  // Behind the proxy: URLs in discovery and redirects use the proxy's host (X-Forwarded-Host).
  provider.proxy = true;
  // Silence the provider's own error logging: the tests provoke errors on purpose.
  provider.on('server_error', () => {});

  const handle = provider.callback();
  const inner = createServer(async (req, res) => {
    const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? '');
    if (match) {
      try {
        const details = await provider.interactionDetails(req, res);
        const grant = new provider.Grant({ accountId: loginAs, clientId: details.params.client_id! });
        grant.addOIDCScope(details.params.scope ?? 'openid');
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: loginAs }, consent: { grantId } },
          {
            mergeWithLastSubmission: false,
          },
        );
      } catch (error) {
        res.statusCode = 500;
        res.end(String(error));
      }
      return;
    }
    handle(req, res);
  });
  const innerPort = await listen(inner);

  proxy.on('request', async (req, res) => {
    try {
      if (stallMs > 0) await new Promise((r) => setTimeout(r, stallMs));
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || name === 'connection' || name === 'content-length') continue;
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      headers.set('x-forwarded-host', `127.0.0.1:${proxyPort}`);
      headers.set('x-forwarded-proto', 'http');
      const isToken = req.method === 'POST' && (req.url ?? '').startsWith('/token');
      if (isToken) tokenCount += 1;
      const answer = await fetch(`http://127.0.0.1:${innerPort}${req.url}`, {
        method: req.method,
        headers,
        body,
        redirect: 'manual',
      });
      let payload = Buffer.from(await answer.arrayBuffer());
      if (isToken && tamper && answer.ok) {
        const json = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
        if (typeof json.id_token === 'string') {
          const claims = tamper.change(decodeJwt(json.id_token) as Record<string, unknown>);
          const header = decodeProtectedHeader(json.id_token);
          json.id_token = await new SignJWT(claims)
            .setProtectedHeader({ alg: 'RS256', kid: tamper.foreignKey ? 'foreign' : header.kid })
            .sign(tamper.foreignKey ? foreign.privateKey : privateKey);
        }
        tamper = null;
        payload = Buffer.from(JSON.stringify(json));
      }
      res.statusCode = answer.status;
      answer.headers.forEach((value, name) => {
        if (
          name === 'content-length' ||
          name === 'content-encoding' ||
          name === 'transfer-encoding' ||
          name === 'set-cookie'
        )
          return;
        res.setHeader(name, value);
      });
      const cookies = answer.headers.getSetCookie();
      if (cookies.length > 0) res.setHeader('set-cookie', cookies);
      res.setHeader('content-length', payload.length);
      res.end(payload);
    } catch (error) {
      res.statusCode = 502;
      res.end(String(error));
    }
  });

  return {
    issuer,
    nextLogin(accountId) {
      loginAs = accountId;
    },
    tamperNextIdToken(change, opts) {
      tamper = { change, foreignKey: opts?.foreignKey ?? false };
    },
    stall(ms) {
      stallMs = ms;
    },
    tokenRequests: () => tokenCount,
    async close() {
      await Promise.all([close(proxy), close(inner)]);
    },
  };
}
