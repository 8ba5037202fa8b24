import * as oidc from 'openid-client';

/**
 * An authorization request as a relying party writes it with openid-client:
 * `buildAuthorizationUrl` for the code flow with PKCE (S256) and `params` (redirect_uri, scope,
 * and a state, a nonce or a response mode where the caller wants them). Returns the URL and the
 * PKCE verifier the code grant needs.
 */
export async function codeFlowUrl(
  config: oidc.Configuration,
  params: Readonly<Record<string, string>>,
): Promise<{ url: URL; verifier: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    ...params,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url, verifier };
}
