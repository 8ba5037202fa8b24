import { OOB_REDIRECT_URI } from '@dex/shared/domain/clients';
import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Public (native) clients may use any loopback port (RFC 8252 §7.3) or the out-of-band URI. */
function isNativeRedirect(uri: string): boolean {
  if (uri === OOB_REDIRECT_URI) return true;
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && url.hash === '';
  } catch {
    return false;
  }
}

/**
 * The redirect URI must match a registered one exactly (string comparison: scheme, host,
 * port, path and query; a trailing slash matters). When omitted, the client's only
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
  if (client.redirectUris.includes(given) || (client.public && isNativeRedirect(given)) || given === deps.deviceCallbackUri) {
    request.redirectUri = given;
    request.redirectUriGiven = true;
    return;
  }
  throw new AuthorizeError('invalid_request', 'redirect_uri is not registered for this client', { redirect: false });
};
