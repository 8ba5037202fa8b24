import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

/**
 * Request objects (OIDC Core §6) are not supported: a request carrying `request` or
 * `request_uri` is answered with `request_not_supported` or `request_uri_not_supported` at the
 * redirect URI (§6.1, §6.2), never served with the object's parameters silently ignored.
 * Runs once the client and its redirect URI are trusted; discovery says
 * `request_parameter_supported: false` and `request_uri_parameter_supported: false`.
 */
export const checkRequestObject: AuthorizeCheck = (request) => {
  if (request.params.request !== undefined) {
    throw new AuthorizeError('request_not_supported', 'request objects (the request parameter) are not supported', { redirect: true });
  }
  if (request.params.request_uri !== undefined) {
    throw new AuthorizeError('request_uri_not_supported', 'the request_uri parameter is not supported', { redirect: true });
  }
};
