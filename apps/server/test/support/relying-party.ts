import * as oauth from 'oauth4webapi';
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

/**
 * The same request written with oauth4webapi: the code flow with PKCE (S256), a fresh state and
 * nonce, and `extra` (the scope, a response mode) after `response_type`. Returns the URL and the
 * checks the relying party keeps for the response.
 */
export async function authorizationUrl(
  as: oauth.AuthorizationServer,
  clientId: string,
  redirectUri: string,
  extra: Readonly<Record<string, string>>,
): Promise<{ url: URL; verifier: string; state: string; nonce: string }> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint ?? '');
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    ...extra,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  }).toString();
  return { url, verifier, state, nonce };
}

/**
 * What a web app does with the authorization response to a request from `authorizationUrl`,
 * with oauth4webapi: validates it (state, iss), redeems the code with its secret (Basic) and the
 * PKCE verifier, and checks the ID token's nonce.
 */
export async function redeemCode(
  as: oauth.AuthorizationServer,
  client: { id: string; secret: string },
  response: URL | URLSearchParams,
  checks: { redirectUri: string; verifier: string; state: string; nonce: string },
): Promise<oauth.TokenEndpointResponse> {
  const oauthClient: oauth.Client = { client_id: client.id };
  const params = oauth.validateAuthResponse(as, oauthClient, response, checks.state);
  const grant = await oauth.authorizationCodeGrantRequest(
    as,
    oauthClient,
    oauth.ClientSecretBasic(client.secret),
    params,
    checks.redirectUri,
    checks.verifier,
    { [oauth.allowInsecureRequests]: true },
  );
  return oauth.processAuthorizationCodeResponse(as, oauthClient, grant, { expectedNonce: checks.nonce, requireIdToken: true });
}
