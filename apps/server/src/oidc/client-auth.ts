import { type ClientCredentialRow, type ClientSummary, toClientSummary, verifyClientSecret } from '@dex/shared/domain/clients';
import { OAuthError } from '@dex/shared/errors';
import { checkStorable, PARAM_LIMITS, param } from '#http/params.ts';
import type { WorkerRequest } from '#http/request.ts';

/** How a client proved who it is at the token endpoint. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Where client authentication reads a client's columns (the token store). */
export interface ClientCredentialLookup {
  findClientCredentials(id: string): Promise<ClientCredentialRow | null>;
}

export interface AuthenticatedClient {
  client: ClientSummary;
  method: ClientAuthMethod;
}

type Credentials = { id: string; secret: string; method: 'client_secret_basic' | 'client_secret_post' } | { id: string; method: 'none' };

/**
 * RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64 (dex v0.3.0+ unescapes
 * them). What decodes is checked like every other parameter (no NUL, not too long).
 */
function formDecode(value: string, what: string): string {
  const decoded = decodeURIComponent(value.replaceAll('+', ' '));
  checkStorable(decoded, what, PARAM_LIMITS.maxValueLength);
  return decoded;
}

/**
 * The credentials a request carries: Basic header, form post, or only a client_id (`none`).
 * An empty secret, in the form or as the Basic password, is no secret (`none`), which only a
 * public client passes.
 */
export function readClientCredentials(req: WorkerRequest): Credentials {
  const header = req.header('authorization');
  const postId = param(req.form, 'client_id');
  const postSecret = param(req.form, 'client_secret');
  if (header !== undefined && /^basic\s/i.test(header)) {
    if (postSecret !== undefined) throw new OAuthError('invalid_request', 'client authentication must use only one method');
    const encoded = header.slice(6).trim();
    const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon === -1) throw new OAuthError('invalid_client', 'malformed Basic credentials');
    let id: string;
    let secret: string;
    try {
      id = formDecode(decoded.slice(0, colon), 'the client id');
      secret = formDecode(decoded.slice(colon + 1), 'the client secret');
    } catch {
      throw new OAuthError('invalid_client', 'malformed Basic credentials');
    }
    if (postId !== undefined && postId !== id) throw new OAuthError('invalid_request', 'client_id does not match the Basic credentials');
    // An empty password is no secret: x/oauth2 and others send a public client's id this way.
    return secret === '' ? { id, method: 'none' } : { id, secret, method: 'client_secret_basic' };
  }
  if (postId !== undefined && postSecret !== undefined) return { id: postId, secret: postSecret, method: 'client_secret_post' };
  if (postId !== undefined) return { id: postId, method: 'none' };
  throw new OAuthError('invalid_client', 'client authentication is required');
}

/**
 * The client a request names (Basic credentials or `client_id`), not authenticated: what CORS
 * needs to pick the client's web origins. Undefined when the request names none, or malformed.
 * @example const cors = new Cors({ allowedOrigins, clients, clientOf: namedClientId });
 */
export function namedClientId(req: WorkerRequest): string | undefined {
  try {
    return readClientCredentials(req).id;
  } catch {
    return undefined;
  }
}

/**
 * Authenticates the client of a token, revocation or introspection request. Confidential
 * clients need their secret; a public client has none and presents only its client_id
 * (`none`, also as Basic with an empty password) where `allowNone` says so. Every failure is
 * `invalid_client` (401).
 */
export async function requireClient(
  clients: ClientCredentialLookup,
  req: WorkerRequest,
  options: { allowNone: boolean },
): Promise<AuthenticatedClient> {
  const credentials = readClientCredentials(req);
  if (credentials.method === 'none') {
    const row = options.allowNone ? await clients.findClientCredentials(credentials.id) : null;
    if (row === null || !row.public) throw new OAuthError('invalid_client', 'client authentication failed');
    return { client: toClientSummary(row), method: 'none' };
  }
  const client = verifyClientSecret(await clients.findClientCredentials(credentials.id), credentials.secret);
  if (client === null) throw new OAuthError('invalid_client', 'client authentication failed');
  return { client, method: credentials.method };
}
