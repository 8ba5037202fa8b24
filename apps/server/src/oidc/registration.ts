import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { PrismaDb } from '@dex/shared/db';
import { recordAuditEvent } from '@dex/shared/domain/audit';
import { recordInWindow } from '@dex/shared/domain/auth';
import { safeEqual } from '@dex/shared/crypto';
import { createClient, redirectUriProblem } from '@dex/shared/domain/clients';
import { OAuthError } from '@dex/shared/errors';
import type { WorkerRequest } from '#http/request.ts';
import { sendJson } from '#http/respond.ts';
import type { Route } from '#http/router.ts';
import { SUPPORTED_GRANT_TYPES } from './token-endpoint.ts';

const MAX_REDIRECT_URIS = 20;
const ZUri = z.string().max(2048);

/** The client metadata this provider accepts (RFC 7591 §2); unknown members are ignored. */
const ZClientMetadata = z.looseObject({
  redirect_uris: z.array(z.string()).min(1, 'redirect_uris must list at least one URI').max(MAX_REDIRECT_URIS),
  client_name: z.string().max(200).optional(),
  logo_uri: ZUri.optional(),
  client_uri: ZUri.optional(),
  response_types: z.array(z.string()).optional(),
  grant_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().optional(),
  id_token_signed_response_alg: z.string().optional(),
});

function validate(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError('invalid_request', 'the request body must be a JSON object of client metadata');
  }
  const parsed = ZClientMetadata.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    const code = field === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata';
    throw new OAuthError(code, `${typeof field === 'string' ? `${field}: ` : ''}${issue?.message ?? 'invalid metadata'}`);
  }
  const metadata = parsed.data;
  for (const uri of metadata.redirect_uris) {
    const problem = redirectUriProblem(uri);
    if (problem !== undefined) throw new OAuthError('invalid_redirect_uri', problem);
  }
  const unsupportedResponse = metadata.response_types?.find((type) => type !== 'code');
  if (unsupportedResponse !== undefined)
    throw new OAuthError('invalid_client_metadata', `unsupported response_type: ${unsupportedResponse}`);
  const unsupportedGrant = metadata.grant_types?.find((type) => !SUPPORTED_GRANT_TYPES.includes(type));
  if (unsupportedGrant !== undefined) throw new OAuthError('invalid_client_metadata', `unsupported grant_type: ${unsupportedGrant}`);
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  if (method !== 'client_secret_basic' && method !== 'client_secret_post' && method !== 'none') {
    throw new OAuthError('invalid_client_metadata', `unsupported token_endpoint_auth_method: ${method}`);
  }
  if (method === 'none' && (metadata.client_name ?? '').trim() === '') {
    throw new OAuthError('invalid_client_metadata', 'a public client (token_endpoint_auth_method none) needs a client_name');
  }
  if (metadata.id_token_signed_response_alg !== undefined && metadata.id_token_signed_response_alg !== 'RS256') {
    throw new OAuthError('invalid_client_metadata', 'id_token_signed_response_alg must be RS256');
  }
  for (const field of ['logo_uri', 'client_uri'] as const) {
    const value = metadata[field];
    if (value !== undefined && redirectUriProblem(value) !== undefined)
      throw new OAuthError('invalid_client_metadata', `${field} must be an http(s) URL`);
  }
  return { ...metadata, token_endpoint_auth_method: method };
}

export interface RegistrationDeps {
  prisma: PrismaDb;
  /** `--registration-initial-access-token`: when set, registering takes `Authorization: Bearer <it>`. */
  initialAccessToken?: string;
  /**
   * Registrations per client address in a window (`--registration-max-per-ip` per hour),
   * counted in the database like failed logins, so every worker shares the limit.
   */
  perAddress: { max: number; windowMs: number };
}

const BEARER = /^bearer +(\S+) *$/i;

/**
 * The registration's gates, before its body is read for meaning: the per-address limit (429
 * with `Retry-After`; every attempt counts), then the initial access token when one is set
 * (RFC 7591 §3: missing or wrong is 401 `invalid_token`, compared in constant time).
 */
async function admit(deps: RegistrationDeps, req: WorkerRequest, res: ServerResponse): Promise<void> {
  const now = Date.now();
  const { count, windowEndsAtMs } = await recordInWindow(deps.prisma, `client-registration:${req.clientAddress}`, {
    windowMs: deps.perAddress.windowMs,
    now,
  });
  if (count > deps.perAddress.max) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil((windowEndsAtMs - now) / 1000))));
    throw new OAuthError('temporarily_unavailable', 'too many client registrations from this address; try again later', { status: 429 });
  }
  if (deps.initialAccessToken === undefined) return;
  const presented = BEARER.exec(req.header('authorization') ?? '')?.[1];
  if (presented === undefined || !safeEqual(presented, deps.initialAccessToken)) {
    throw new OAuthError('invalid_token', 'registering a client needs a valid initial access token');
  }
}

/**
 * `POST <issuer>/registration`: OAuth 2.0 Dynamic Client Registration (RFC 7591), enabled by
 * `--enable-client-registration` as in dex v0 (reference §2.12), limited per client address
 * and, with `--registration-initial-access-token`, only for holders of that token. Registered
 * clients are never admin and always show the approval screen; they are confidential, with
 * the secret returned once, unless they ask for `token_endpoint_auth_method: none`: then they
 * are public and have no secret. Errors are RFC 7591 §3.2.2's (`invalid_redirect_uri`,
 * `invalid_client_metadata`).
 * @example routes.set('/registration', registrationRoute({ prisma, perAddress }));
 */
export function registrationRoute(deps: RegistrationDeps): Route {
  return {
    methods: ['POST'],
    errors: 'json',
    ...(deps.initialAccessToken === undefined ? {} : { challenge: 'bearer' as const }),
    body: 'json',
    bodyRequired: true,
    async handle(req, res) {
      await admit(deps, req, res);
      const metadata = validate(req.json);
      const { client, secret } = await createClient(deps.prisma, {
        redirectUris: metadata.redirect_uris,
        registered: true,
        ...(metadata.token_endpoint_auth_method === 'none' ? { public: true } : {}),
        ...(metadata.client_name === undefined ? {} : { name: metadata.client_name }),
        ...(metadata.logo_uri === undefined ? {} : { logoUri: metadata.logo_uri }),
        ...(metadata.client_uri === undefined ? {} : { clientUri: metadata.client_uri }),
      });
      await recordAuditEvent(deps.prisma, {
        actor: 'dynamic-registration',
        action: 'client.create',
        targetType: 'client',
        targetId: client.id,
        after: { id: client.id, name: client.name, redirectUris: client.redirectUris },
      });
      sendJson(res, 201, {
        client_id: client.id,
        ...(secret === null ? {} : { client_secret: secret }),
        client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
        client_secret_expires_at: 0,
        redirect_uris: client.redirectUris,
        ...(client.name === '' ? {} : { client_name: client.name }),
        ...(client.logoUri === null ? {} : { logo_uri: client.logoUri }),
        ...(client.clientUri === null ? {} : { client_uri: client.clientUri }),
        token_endpoint_auth_method: metadata.token_endpoint_auth_method,
        grant_types: metadata.grant_types ?? ['authorization_code'],
        response_types: ['code'],
      });
    },
  };
}
