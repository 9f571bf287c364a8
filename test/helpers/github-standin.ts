/**
 * A local stand-in for GitHub's OAuth endpoints and the two REST calls pow makes, speaking their
 * documented shapes: /login/oauth/authorize (redirects back with a code), /login/oauth/access_token
 * (JSON when asked for it; checks the client secret, the redirect URI and the PKCE verifier; a code
 * works once), /user and /user/emails (bearer token).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

export async function startGitHubStandIn(options: {
  clientId: string;
  clientSecret: string;
  user: GitHubUser;
}) {
  const codes = new Map<string, { redirectUri: string; challenge: string }>();
  const tokens = new Set<string>();
  let user = options.user;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/login/oauth/authorize') {
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      if (
        url.searchParams.get('client_id') !== options.clientId ||
        url.searchParams.get('code_challenge_method') !== 'S256'
      ) {
        res.writeHead(400).end('bad request');
        return;
      }
      const code = randomBytes(10).toString('hex');
      codes.set(code, {
        redirectUri: redirect.href,
        challenge: url.searchParams.get('code_challenge') ?? '',
      });
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: redirect.href }).end();
      return;
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const form = new URLSearchParams(raw);
      const basic = req.headers.authorization?.startsWith('Basic ')
        ? Buffer.from(req.headers.authorization.slice(6), 'base64')
            .toString()
            .split(':')
            .map(decodeURIComponent)
        : [form.get('client_id'), form.get('client_secret')];
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      // GitHub answers errors with 200 and an `error` field; oauth4webapi treats that as an error too.
      if (basic[0] !== options.clientId || basic[1] !== options.clientSecret)
        return json(401, { error: 'incorrect_client_credentials' });
      if (!code || code.redirectUri !== form.get('redirect_uri') || code.challenge !== challenge) {
        return json(400, { error: 'bad_verification_code' });
      }
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    const bearer = req.headers.authorization?.replace(/^Bearer /i, '') ?? '';
    if (!tokens.has(bearer)) return json(401, { message: 'Bad credentials' });
    if (url.pathname === '/user') return json(200, { id: user.id, login: user.login, name: user.name });
    if (url.pathname === '/user/emails') return json(200, user.emails);
    json(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoints: {
      authorization: `${base}/login/oauth/authorize`,
      token: `${base}/login/oauth/access_token`,
      user: `${base}/user`,
      emails: `${base}/user/emails`,
    },
    setUser(next: GitHubUser) {
      user = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
