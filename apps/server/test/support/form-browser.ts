/** A page fetched by `FormBrowser`: status, redirect target, body. */
export interface Page {
  status: number;
  location: string | null;
  body: string;
  url: URL;
}

/**
 * Plain-HTTP stand-in for a browser on the worker's HTML forms: keeps cookies, reads hidden
 * fields (the CSRF token, the session) and posts forms with them.
 */
export class FormBrowser {
  readonly #jar = new Map<string, string>();

  #cookies(): string {
    return [...this.#jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  #keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals > 0) this.#jar.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
  }

  async get(url: string | URL): Promise<Page> {
    const target = new URL(url);
    const response = await fetch(target, { redirect: 'manual', headers: { cookie: this.#cookies() } });
    this.#keep(response);
    return { status: response.status, location: response.headers.get('location'), body: await response.text(), url: target };
  }

  /** Posts a form of `page` (its action, its hidden fields) with `fields` on top. */
  async submit(page: Page, fields: Record<string, string>): Promise<Page> {
    const action = /<form method="post" action="([^"]*)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    if (action === undefined) throw new Error(`no form on the page: ${page.body.slice(0, 300)}`);
    const hidden = Object.fromEntries(
      [...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1] ?? '',
        (m[2] ?? '').replaceAll('&amp;', '&'),
      ]),
    );
    const target = new URL(action, page.url);
    const response = await fetch(target, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.#cookies() },
      body: new URLSearchParams({ ...hidden, ...fields }),
    });
    this.#keep(response);
    return { status: response.status, location: response.headers.get('location'), body: await response.text(), url: target };
  }

  /** Follows a redirect of `page` on the same origin. */
  follow(page: Page): Promise<Page> {
    if (page.location === null) throw new Error(`not a redirect: ${page.status}`);
    return this.get(new URL(page.location, page.url));
  }
}

/** The link in an email's text body that starts with `prefix`. */
export function linkIn(text: string, prefix: string): string {
  const link = text.split(/\s+/).find((word) => word.startsWith(prefix));
  if (link === undefined) throw new Error(`no ${prefix} link in: ${text}`);
  return link;
}
