/**
 * The browser's part of an OAuth round trip, over real HTTP: follows redirects (keeping each
 * origin's cookies, as a browser does) from the provider's authorization URL until the provider
 * sends the browser back to `redirectUri`, and returns that callback URL without requesting it.
 */
export async function followToCallback(start: URL | string, redirectUri: string, maxHops = 10): Promise<URL> {
  const jars = new Map<string, Map<string, string>>();
  let url = new URL(start);
  for (let hop = 0; hop < maxHops; hop += 1) {
    if (url.href.startsWith(redirectUri)) return url;
    const jar = jars.get(url.origin) ?? new Map<string, string>();
    jars.set(url.origin, jar);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    const location = response.headers.get('location');
    await response.arrayBuffer();
    if (!location) throw new Error(`${url.href} answered ${response.status} without a redirect`);
    url = new URL(location, url);
  }
  throw new Error(`no redirect to ${redirectUri} after ${maxHops} hops`);
}
