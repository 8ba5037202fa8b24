/**
 * A minimal browser for tests: keeps cookies (by name; the worker sets them for its issuer
 * path only) and follows redirects as long as they stay on the worker.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  readonly #origin: string;

  constructor(issuer: string) {
    this.#origin = new URL(issuer).origin;
  }

  #header(): string {
    return [...this.#cookiesEntries()].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  *#cookiesEntries(): Iterable<[string, string]> {
    yield* this.cookies.entries();
  }

  #store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request, no redirect following. */
  async request(url: string | URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const response = await fetch(url, {
      method: init.method ?? (init.form === undefined ? 'GET' : 'POST'),
      redirect: 'manual',
      headers: {
        ...(this.cookies.size > 0 ? { cookie: this.#header() } : {}),
        ...(init.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(init.form === undefined ? {} : { body: new URLSearchParams(init.form) }),
    });
    this.#store(response);
    return response;
  }

  /** Follows redirects while they stay on the worker; returns the last response and its URL. */
  async follow(
    url: string | URL,
    init: { form?: Record<string, string> } = {},
  ): Promise<{ response: Response; url: URL; location: URL | null }> {
    let current = new URL(url);
    let response = await this.request(current, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return { response, url: current, location: null };
      const next = new URL(location, current);
      if (next.origin !== this.#origin) return { response, url: current, location: next };
      current = next;
      response = await this.request(current);
    }
    throw new Error('too many redirects');
  }

  /** Fills and posts the password form the worker shows at `formUrl`'s page. */
  async submitLogin(page: { url: URL; html: string }, credentials: { login: string; password: string }) {
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.html)?.[1]?.replaceAll('&amp;', '&') ?? '';
    return this.follow(new URL(page.url.pathname, page.url), {
      form: { session: field('session'), csrf_token: field('csrf_token'), login: credentials.login, password: credentials.password },
    });
  }
}
