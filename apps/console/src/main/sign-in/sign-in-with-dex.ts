import { createRemoteJWKSet, jwtVerify } from 'jose';
import { AppError } from '@dex/shared/errors';
import { startLoopbackListener } from './loopback-listener.ts';
import { createSignInSecrets } from './pkce.ts';

/** The desktop console's client, provisioned by the overlord (public: PKCE, loopback redirects). */
export const DESKTOP_CLIENT_ID = 'dex-console-desktop';
const TIMEOUT_MS = 10_000;

/** What a desktop sign-in yields; kept in the main process only (see `token-store.ts`). */
export interface DesktopTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  /** The signed-in user's id (`sub`) and email, from the verified ID token. */
  userId: string;
  email: string;
}

export interface SignInWithDexOptions {
  /** The worker's issuer, such as `http://127.0.0.1:5556/dex`. */
  issuer: string;
  /** Opens the authorization URL in the system browser (Electron: `shell.openExternal`) or an in-app window. */
  openBrowser: (url: string) => Promise<void>;
  clientId?: string;
  /** How long the admin may take in the browser (default 5 min). */
  timeoutMs?: number;
  /** Ends the sign-in early (the admin gave up): the listener closes and the sign-in rejects, "cancelled". */
  signal?: AbortSignal;
}

async function getJson(response: Response, what: string): Promise<Record<string, unknown>> {
  const body: unknown = await response.json().catch(() => null);
  if (typeof body !== 'object' || body === null)
    throw new AppError('INTERNAL', { message: `${what}: not JSON (HTTP ${response.status})`, expose: true });
  return body as Record<string, unknown>;
}

/**
 * Signs in to dex from the desktop app's main process (RFC 8252): a loopback listener on an
 * ephemeral port, the system browser at the worker's `/auth` with PKCE (S256), state and
 * nonce, the code redeemed at `/token` by the public client, and the ID token verified with
 * the worker's JWKS (issuer, audience, nonce). The tokens never reach the renderer.
 * @example const tokens = await signInWithDex({ issuer, openBrowser: (url) => shell.openExternal(url) });
 */
export async function signInWithDex(options: SignInWithDexOptions): Promise<DesktopTokens> {
  const issuer = options.issuer.replace(/\/$/, '');
  const clientId = options.clientId ?? DESKTOP_CLIENT_ID;
  const discovery = await getJson(
    await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(TIMEOUT_MS) }),
    `${issuer} discovery`,
  );
  const { authorization_endpoint: authEndpoint, token_endpoint: tokenEndpoint, jwks_uri: jwksUri } = discovery;
  if (discovery.issuer !== issuer || typeof authEndpoint !== 'string' || typeof tokenEndpoint !== 'string' || typeof jwksUri !== 'string') {
    throw new AppError('INVALID_CONFIG', { message: `${issuer} is not a dex issuer` });
  }
  const secrets = createSignInSecrets();
  const listener = await startLoopbackListener({
    state: secrets.state,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  const cancel = () => void listener.close();
  options.signal?.addEventListener('abort', cancel, { once: true });
  if (options.signal?.aborted === true) cancel();
  try {
    const auth = new URL(authEndpoint);
    auth.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: listener.redirectUri,
      // No offline_access: the overlord's session is what the app keeps, so no refresh token is minted.
      scope: 'openid email profile',
      state: secrets.state,
      nonce: secrets.nonce,
      code_challenge: secrets.codeChallenge,
      code_challenge_method: 'S256',
    }).toString();
    await options.openBrowser(auth.href);
    const code = await listener.code;
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: listener.redirectUri,
        client_id: clientId,
        code_verifier: secrets.codeVerifier,
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const token = await getJson(response, 'the token endpoint');
    if (!response.ok || typeof token.id_token !== 'string' || typeof token.access_token !== 'string') {
      throw new AppError('UNAUTHORIZED', { message: `dex refused the sign-in code (${String(token.error ?? response.status)})` });
    }
    const { payload } = await jwtVerify(token.id_token, createRemoteJWKSet(new URL(jwksUri)), { issuer, audience: clientId });
    if (payload.nonce !== secrets.nonce || typeof payload.sub !== 'string') {
      throw new AppError('UNAUTHORIZED', { message: 'the ID token is not for this sign-in' });
    }
    return {
      idToken: token.id_token,
      accessToken: token.access_token,
      refreshToken: typeof token.refresh_token === 'string' ? token.refresh_token : null,
      expiresAt: Date.now() + (typeof token.expires_in === 'number' ? token.expires_in : 0) * 1000,
      userId: payload.sub,
      email: typeof payload.email === 'string' ? payload.email : '',
    };
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await listener.close();
  }
}
