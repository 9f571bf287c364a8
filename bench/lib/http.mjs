// A minimal HTTP client with a cookie jar, for signing in (not for load: autocannon does that).
import http from 'node:http';

export class CookieJar {
  cookies = new Map();
  store(setCookie = []) {
    for (const line of setCookie) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some(
        (a) =>
          /^\s*max-age=0\s*$/i.test(a) ||
          (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()),
      );
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** One request; resolves { status, headers, body (text), json() }. */
export function request(url, { method = 'GET', headers = {}, body, jar, agent } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const h = { ...headers };
    if (jar && jar.cookies.size) h.cookie = jar.header();
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h, agent },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          jar?.store(res.headers['set-cookie']);
          resolve({ status: res.statusCode, headers: res.headers, body: text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export const form = (obj) => new URLSearchParams(obj).toString();
