import { createHash, randomBytes } from 'node:crypto';

/** One sign-in's secrets (RFC 7636 PKCE, OIDC state and nonce): 256 random bits each, base64url. */
export interface SignInSecrets {
  codeVerifier: string;
  /** `BASE64URL(SHA256(codeVerifier))`, sent as `code_challenge` with `code_challenge_method=S256`. */
  codeChallenge: string;
  state: string;
  nonce: string;
}

const random = (): string => randomBytes(32).toString('base64url');

/**
 * Fresh PKCE verifier and S256 challenge, state and nonce for one sign-in.
 * @example const { codeChallenge, state, nonce } = createSignInSecrets();
 */
export function createSignInSecrets(): SignInSecrets {
  const codeVerifier = random();
  return { codeVerifier, codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'), state: random(), nonce: random() };
}
