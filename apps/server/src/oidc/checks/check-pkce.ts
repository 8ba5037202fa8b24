import { type AuthorizeCheck, AuthorizeError } from './authorize-request.ts';

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * PKCE (RFC 7636): only `S256` is offered, and public clients must use it. A S256
 * challenge is the base64url SHA-256 of the verifier: exactly 43 characters.
 */
export const checkPkce: AuthorizeCheck = (request) => {
  const challenge = request.params.code_challenge ?? '';
  const method = request.params.code_challenge_method ?? '';
  if (challenge === '') {
    if (method !== '') throw new AuthorizeError('invalid_request', 'code_challenge_method without code_challenge', { redirect: true });
    if (request.client?.public) {
      throw new AuthorizeError('invalid_request', 'public clients must use PKCE (code_challenge with S256)', { redirect: true });
    }
    return;
  }
  if (method !== 'S256') {
    throw new AuthorizeError('invalid_request', 'code_challenge_method must be S256', { redirect: true });
  }
  if (!CHALLENGE.test(challenge)) {
    throw new AuthorizeError('invalid_request', 'code_challenge must be 43 base64url characters', { redirect: true });
  }
  request.codeChallenge = challenge;
  request.codeChallengeMethod = method;
};
