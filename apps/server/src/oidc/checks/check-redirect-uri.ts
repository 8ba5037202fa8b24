import { OOB_REDIRECT_URI } from '@dex/shared/domain/clients';
import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An http URL on a loopback host without userinfo or fragment, or null. */
function loopbackUrl(uri: string): URL | null {
  if (!URL.canParse(uri)) return null;
  const url = new URL(uri);
  const plain = url.protocol === 'http:' && url.username === '' && url.password === '' && url.hash === '';
  return plain && LOOPBACK_HOSTS.has(url.hostname) ? url : null;
}

/** The URL with its port dropped, as text, for a comparison that ignores only the port. */
function withoutPort(url: URL): string {
  const copy = new URL(url.href);
  copy.port = '';
  return copy.href;
}

/**
 * What a public (native) client may use besides its registered URIs: the out-of-band URI, and
 * a loopback URI that differs from a registered loopback URI in the port only (RFC 8252 §7.3:
 * the app listens on whatever port is free); path, query and host must match. A public client
 * that registered other URIs but no loopback one gets no loopback URI at all: the leeway is
 * for the port of a URI the client registered, not a licence for any local listener. Only a
 * public client that registered no URI at all (dex v0's public client, which could not
 * register any: `http://localhost:<port>` and out-of-band were its redirects) may use any
 * loopback URI without userinfo.
 * The registered URIs are compared as registered and the given one as parsed: a given URI
 * that only parses to a registered one (`..` segments, `%2e`) is not normalised into a match.
 */
function isNativeRedirect(given: string, registered: readonly string[]): boolean {
  if (given === OOB_REDIRECT_URI) return true;
  const url = loopbackUrl(given);
  if (url === null || url.href !== given.replace(/^http:\/\/[^/?#]*$/, '$&/')) return false;
  if (registered.length === 0) return true;
  const loopbacks = registered.map(loopbackUrl).filter((candidate) => candidate !== null);
  const key = withoutPort(url);
  return loopbacks.some((candidate) => withoutPort(candidate) === key);
}

/**
 * The redirect URI must match a registered one exactly (string comparison: scheme, host,
 * port, path and query; a trailing slash matters), except that a public client's loopback
 * URIs may vary in the port. When omitted, the client's only
 * registered URI is used; with several it must be given. Failures render an error page.
 * The worker's own device callback is accepted for every client: the code it receives never
 * leaves the worker, and only completes a device approval started in the same browser.
 */
export const checkRedirectUri: AuthorizeCheck = (request, deps) => {
  const client = request.client;
  if (client === undefined) throw new Error('checkRedirectUri runs after checkClient');
  const given = request.params.redirect_uri;
  if (given === undefined || given === '') {
    const [only, ...rest] = client.redirectUris;
    if (only === undefined || rest.length > 0) {
      throw new AuthorizeError('invalid_request', 'missing required parameter: redirect_uri', { redirect: false });
    }
    request.redirectUri = only;
    request.redirectUriGiven = false;
    return;
  }
  if (
    client.redirectUris.includes(given) ||
    (client.public && isNativeRedirect(given, client.redirectUris)) ||
    given === deps.deviceCallbackUri
  ) {
    request.redirectUri = given;
    request.redirectUriGiven = true;
    return;
  }
  throw new AuthorizeError('invalid_request', 'redirect_uri is not registered for this client', { redirect: false });
};
