import { OAuthError } from '@dex/shared/errors';
import type { CodeExchangeCheck } from './code-exchange.ts';

/**
 * RFC 6749 §4.1.3: `redirect_uri` is required when the authorization request included it, and
 * must then be identical; when the request left it out (the client's only registered URI was
 * used), a given one must still match.
 */
export const checkCodeRedirectUri: CodeExchangeCheck = ({ code, redirectUri }) => {
  if (redirectUri === undefined) {
    if (code.session.redirectUriGiven) throw new OAuthError('invalid_grant', 'redirect_uri is required: the authorization request had one');
    return;
  }
  if (redirectUri !== code.session.redirectUri)
    throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
};
