import type { PrismaDb } from '@dex/shared/db';
import { AUDIT_CLIENT_HEADER, labelledActor } from '@dex/shared/domain/audit';
import { findClient } from '@dex/shared/domain/clients';
import type { WorkerRequest } from '#http/request.ts';
import { findAccessTokenSubject } from '#oidc/access-token-subject.ts';
import type { AccessTokens } from '#oidc/jwt-access-tokens.ts';
import { ApiError } from './api-error.ts';

/** Who calls the worker API: an admin client itself (client credentials), or an admin user through an admin client. */
export type ApiCaller =
  | { kind: 'client'; clientId: string; label?: string }
  | { kind: 'user'; clientId: string; userId: string; email: string };

export interface ApiCallerDeps {
  prisma: PrismaDb;
  issuer: string;
  accessTokens: AccessTokens;
}

const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Authenticates a worker API request by its `Authorization: Bearer` access token: one that
 * an admin client obtained with its own credentials (client_credentials), or one issued to an
 * admin client for an admin user. Admin rights are never implied: any other token is 403
 * `forbidden` (dex v0.1–0.4 let any client manage clients; not here).
 * @throws ApiError 401 `unauthorized` without a valid token; 403 `forbidden` without admin rights.
 */
export async function authenticateApiCaller(deps: ApiCallerDeps, req: WorkerRequest): Promise<ApiCaller> {
  const token = BEARER.exec(req.header('authorization') ?? '')?.[1];
  if (token === undefined) throw new ApiError('unauthorized', 401, 'an access token is required: Authorization: Bearer <token>');
  const claims = await deps.accessTokens.verify(token);
  const subject = claims === null ? null : await findAccessTokenSubject(deps.prisma, claims);
  if (claims === null || subject === null) throw new ApiError('unauthorized', 401, 'the access token is invalid, expired or revoked');
  if (subject.kind === 'client') {
    if (!subject.client.admin) throw new ApiError('forbidden', 403, `client ${subject.client.id} is not an admin client`);
    const label = req.header(AUDIT_CLIENT_HEADER);
    return { kind: 'client', clientId: subject.client.id, ...(label === undefined ? {} : { label }) };
  }
  const client = await findClient(deps.prisma, claims.clientId);
  if (client === null || !client.admin) throw new ApiError('forbidden', 403, `client ${claims.clientId} is not an admin client`);
  if (!subject.user.admin) throw new ApiError('forbidden', 403, 'the user is not an admin');
  return { kind: 'user', clientId: client.id, userId: subject.user.id, email: subject.user.email };
}

/**
 * The audit log's actor for a caller: the admin user's email, or the admin client
 * (`client:<id>`); a client that names itself with `X-Dex-Client` (dexctl does) reads
 * `dexctl (worker-api, client:<id>)`.
 */
export function auditActor(caller: ApiCaller): string {
  if (caller.kind === 'user') return caller.email;
  const client = `client:${caller.clientId}`;
  return labelledActor({ label: caller.label, driver: `worker-api, ${client}`, fallback: client });
}
