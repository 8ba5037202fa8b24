/**
 * The comparison server: oidc-provider (panva) set up like the dex worker as far as the
 * measured endpoints go, run as its own process by the bench:
 *   node --import tsx bench/src/oidc-provider-server.ts --port <port>   (with an IPC channel)
 * It signs with one RSA-2048 key (RS256, as dex), serves the JWKS at /keys, allows
 * client_credentials and rotating refresh tokens (`rotateRefreshToken: true`) and keeps
 * everything in its built-in in-memory adapter. Over the IPC channel it sends
 * `{ type: 'ready', issuer, clientId, clientSecret, jwtResource }` once listening, and answers
 * `{ type: 'refresh-tokens', count }` with `{ type: 'refresh-tokens', tokens }`: grants with a
 * refresh token each, created programmatically (no login interaction).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Provider, { errors } from 'oidc-provider';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: oidc-provider-server.ts --port <port>\n');
  process.exit(2);
}

/** The resource server whose access tokens are RS256 JWTs (the client_credentials "JWT" case). */
const JWT_RESOURCE = 'urn:dex-bench:api';
const ACCOUNT_ID = 'bench-user';
const SCOPE = 'openid offline_access email profile';
const issuer = `http://127.0.0.1:${port}`;
const clientId = 'bench';
const clientSecret = randomBytes(32).toString('base64url');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/bench/callback'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' }] },
  routes: { jwks: '/keys' },
  rotateRefreshToken: true,
  // Put the user's claims in the ID token as dex does (name, email, email_verified).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: (_ctx: unknown, id: string) =>
    id === ACCOUNT_ID
      ? { accountId: id, claims: () => ({ sub: id, email: 'bench@example.com', email_verified: true, name: 'Bench User' }) }
      : undefined,
  ttl: { AccessToken: 3600, ClientCredentials: 3600, IdToken: 3600, RefreshToken: 30 * 24 * 3600, Grant: 30 * 24 * 3600 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      // Without a `resource` parameter, access tokens stay opaque (the refresh grant's too).
      defaultResource: () => undefined,
      useGrantedResource: () => false,
      getResourceServerInfo: (_ctx: unknown, indicator: string) => {
        if (indicator !== JWT_RESOURCE) throw new errors.InvalidTarget();
        return { scope: 'api', accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
});

// Say why a grant failed (oidc-provider answers only "grant request is invalid").
provider.on('grant.error', (_ctx: unknown, error: { error_detail?: string; message?: string }) => {
  process.stderr.write(`grant.error: ${error.error_detail ?? error.message}\n`);
});

const client = await provider.Client.find(clientId);
if (client === undefined) throw new Error('the bench client is missing');

/** Creates `count` grants (as if the user had consented) with one refresh token each. */
async function newRefreshTokens(count: number): Promise<string[]> {
  const tokens: string[] = [];
  const authTime = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i++) {
    const grant = new provider.Grant({ accountId: ACCOUNT_ID, clientId });
    grant.addOIDCScope(SCOPE);
    const grantId = await grant.save();
    const refreshToken = new provider.RefreshToken({
      accountId: ACCOUNT_ID,
      grantId,
      client,
      scope: SCOPE,
      gty: 'authorization_code',
      authTime,
    });
    tokens.push(await refreshToken.save());
  }
  return tokens;
}

// The bench asks for refresh tokens right before it measures the refresh grant: the
// in-memory adapter is an LRU cache of 1000 entries, so tokens made earlier would have been
// evicted by the client_credentials runs.
process.on('message', (message: { type?: string; count?: number }) => {
  if (message.type !== 'refresh-tokens') return;
  newRefreshTokens(message.count ?? 0).then(
    (tokens) => process.send?.({ type: 'refresh-tokens', tokens }),
    (error: unknown) => process.send?.({ type: 'refresh-tokens', error: String(error) }),
  );
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.send?.({ type: 'ready', issuer, clientId, clientSecret, jwtResource: JWT_RESOURCE });
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  if (process.connected) process.disconnect();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
