import { safeEqual, sha256Digest } from '@dex/shared/crypto';
import { OAuthError } from '@dex/shared/errors';
import type { CodeExchangeCheck } from './code-exchange.ts';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * PKCE (RFC 7636 §4.6): a code issued with a `code_challenge` needs the verifier whose S256
 * digest it is; a code issued without one refuses a verifier (a downgrade sign).
 */
export const checkCodeVerifier: CodeExchangeCheck = ({ code, codeVerifier }) => {
  const challenge = code.session.codeChallenge;
  if (challenge === null) {
    if (codeVerifier !== undefined) {
      throw new OAuthError('invalid_grant', 'code_verifier given but the authorization request had no code_challenge');
    }
    return;
  }
  if (codeVerifier === undefined) throw new OAuthError('invalid_grant', 'missing code_verifier');
  if (!VERIFIER.test(codeVerifier) || !safeEqual(sha256Digest(codeVerifier).toString('base64url'), challenge)) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
};
