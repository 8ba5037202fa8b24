import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { AppError } from '@dex/shared/errors';

/** How long the overlord waits for the worker at each step of a sign-in. */
const WORKER_TIMEOUT_MS = 10_000;

/** What the overlord needs of the worker's discovery document. */
interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** The deployment's own worker, seen by the overlord as an OIDC provider (the console is its client). */
export interface WorkerProvider {
  /** The worker's issuer (no trailing slash), as its ID tokens name it. */
  readonly issuer: string;
  /** The worker's `/auth` URL for a sign-in. */
  authorizationUrl(params: { redirectUri: string; state: string; nonce: string; codeChallenge: string }): Promise<URL>;
  /**
   * Redeems a code at `/token` (client_secret_basic, the PKCE verifier) and verifies the ID
   * token with the worker's JWKS: issuer, audience, expiry, nonce. Resolves with its subject.
   */
  redeem(params: { code: string; redirectUri: string; codeVerifier: string; nonce: string }): Promise<{ userId: string }>;
  /**
   * Verifies an ID token another client of the console got from the worker (the desktop
   * app's): signature with the worker's JWKS, issuer, `audience`, expiry, and an `iat` at most
   * `maxAgeSeconds` old. Resolves with its subject; UNAUTHORIZED for a token that does not
   * verify, 502 when the worker cannot be asked.
   */
  verifyIdToken(params: { idToken: string; audience: string; maxAgeSeconds: number }): Promise<{ userId: string }>;
}

/** A sign-in that cannot go on for a reason the admin can act on (shown on the sign-in page). */
function signInFailed(message: string, cause?: unknown): AppError {
  return new AppError('INTERNAL', { message, userMessage: message, status: 502, expose: true, cause });
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const body: unknown = await response.json().catch(() => null);
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

/**
 * The worker at `issuer`, for the console's client `clientId` with `clientSecret`. The
 * discovery document and the JWKS are fetched when first needed (again after a failure), so
 * the overlord starts before the workers do.
 * @example const worker = workerProvider({ issuer: new URL('http://127.0.0.1:5556/dex'), clientId: 'dex-console', clientSecret });
 */
export function workerProvider(options: { issuer: URL; clientId: string; clientSecret: string }): WorkerProvider {
  const issuer = options.issuer.href.replace(/\/$/, '');
  let metadata: Promise<{ doc: ProviderMetadata; jwks: ReturnType<typeof createRemoteJWKSet> }> | undefined;

  const discover = () => {
    metadata ??= (async () => {
      const url = `${issuer}/.well-known/openid-configuration`;
      const response = await fetch(url, { signal: AbortSignal.timeout(WORKER_TIMEOUT_MS) }).catch((error: unknown) => {
        throw signInFailed(`the dex worker at ${issuer} cannot be reached`, error);
      });
      const doc = await readJson(response);
      const fields = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;
      if (!response.ok || fields.some((field) => typeof doc[field] !== 'string') || doc.issuer !== issuer) {
        throw signInFailed(`${url} is not the discovery document of issuer ${issuer}`);
      }
      const valid = doc as unknown as ProviderMetadata;
      return { doc: valid, jwks: createRemoteJWKSet(new URL(valid.jwks_uri), { timeoutDuration: WORKER_TIMEOUT_MS }) };
    })();
    // A failure is not kept: the next sign-in asks again (the worker may have been starting).
    metadata.catch(() => {
      metadata = undefined;
    });
    return metadata;
  };

  return {
    issuer,

    async authorizationUrl(params) {
      const { doc } = await discover();
      const url = new URL(doc.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: options.clientId,
        redirect_uri: params.redirectUri,
        scope: 'openid email profile',
        state: params.state,
        nonce: params.nonce,
        code_challenge: params.codeChallenge,
        code_challenge_method: 'S256',
      }).toString();
      return url;
    },

    async redeem(params) {
      const { doc, jwks } = await discover();
      const basic = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');
      const response = await fetch(doc.token_endpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: params.code,
          redirect_uri: params.redirectUri,
          code_verifier: params.codeVerifier,
        }),
        signal: AbortSignal.timeout(WORKER_TIMEOUT_MS),
      }).catch((error: unknown) => {
        throw signInFailed(`the dex worker at ${issuer} cannot be reached`, error);
      });
      const body = await readJson(response);
      if (!response.ok || typeof body.id_token !== 'string') {
        const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
        throw signInFailed(`the dex worker refused the sign-in code (${reason}): sign in again`);
      }
      const { payload } = await jwtVerify(body.id_token, jwks, {
        issuer,
        audience: options.clientId,
        algorithms: ['RS256', 'ES256'],
      }).catch((error: unknown) => {
        throw signInFailed('the ID token from the dex worker did not verify: sign in again', error);
      });
      if (payload.nonce !== params.nonce || typeof payload.sub !== 'string' || payload.sub === '') {
        throw signInFailed('the ID token from the dex worker is not for this sign-in: sign in again');
      }
      return { userId: payload.sub };
    },

    async verifyIdToken(params) {
      const { jwks } = await discover();
      const { payload } = await jwtVerify(params.idToken, jwks, {
        issuer,
        audience: params.audience,
        algorithms: ['RS256', 'ES256'],
        maxTokenAge: params.maxAgeSeconds,
        requiredClaims: ['iat', 'exp', 'sub'],
      }).catch((error: unknown) => {
        // A JWKS that cannot be fetched is the worker's problem, not the token's.
        if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) {
          throw new AppError('UNAUTHORIZED', { message: `the ID token does not verify (${error.code}): sign in again`, cause: error });
        }
        throw signInFailed(`the dex worker at ${issuer} cannot be reached to check the ID token`, error);
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw new AppError('UNAUTHORIZED', { message: 'the ID token names no user: sign in again' });
      }
      return { userId: payload.sub };
    },
  };
}
