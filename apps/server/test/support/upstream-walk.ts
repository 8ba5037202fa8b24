import type { TestBrowser } from './browser.ts';

/**
 * Follows redirects across the worker and an upstream provider (the browser's part of the
 * round trip) until a page, a redirect to the relying party at `rpOrigin`, or one that
 * `stopAt` picks.
 */
export async function walkUpstream(
  browser: TestBrowser,
  start: string | URL,
  rpOrigin: string,
  stopAt: (next: URL) => boolean = () => false,
): Promise<{ response: Response; url: URL; location: URL | null }> {
  let url = new URL(start);
  for (let hops = 0; hops < 25; hops++) {
    const response = await browser.request(url);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return { response, url, location: null };
    const next = new URL(location, url);
    if (next.origin === rpOrigin || stopAt(next)) return { response, url, location: next };
    url = next;
  }
  throw new Error('too many redirects');
}
