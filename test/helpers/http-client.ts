/**
 * A tiny browser-like HTTP client for end-to-end tests: a cookie jar, manual redirects, and
 * helpers to read a form's CSRF token from an HTML page. Real HTTP over loopback, no mocks.
 */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  /** Location header resolved to a path (for redirects). */
  location: string | null;
}

export class HttpClient {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly defaultHeaders: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private storeCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired =
        attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) ||
        attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(
    method: string,
    path: string,
    options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body, redirect: 'manual' });
    this.storeCookies(response.headers);
    const location = response.headers.get('location');
    return {
      status: response.status,
      headers: response.headers,
      body: await response.text(),
      location:
        location === null
          ? null
          : new URL(location, this.baseUrl).pathname + new URL(location, this.baseUrl).search,
    };
  }

  get(path: string, headers?: Record<string, string>): Promise<HttpResponse> {
    return this.request('GET', path, { headers });
  }

  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<HttpResponse> {
    return this.request('POST', path, { form, headers });
  }

  /** Follows redirects (GET) until a non-redirect response, at most 10 hops. */
  async follow(response: HttpResponse): Promise<HttpResponse> {
    let current = response;
    for (
      let hops = 0;
      hops < 10 && current.status >= 300 && current.status < 400 && current.location;
      hops++
    ) {
      current = await this.get(current.location);
    }
    return current;
  }
}

/** The value of the hidden `_csrf` input of the first form in `html`. */
export function csrfTokenFrom(html: string): string {
  const match = /name="_csrf"\s+value="([^"]+)"|value="([^"]+)"\s+name="_csrf"/.exec(html);
  if (!match) throw new Error(`no _csrf input in page:\n${html.slice(0, 2000)}`);
  return decodeHtml(match[1] ?? match[2]);
}

/** Every form's action attribute in `html`. */
export function formActions(html: string): string[] {
  return [...html.matchAll(/<form[^>]*\saction="([^"]*)"/g)].map((m) => decodeHtml(m[1]));
}

function decodeHtml(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#x2F;/g, '/')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}
