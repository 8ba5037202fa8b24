import type { PrismaDb } from '@dex/shared/db';
import { AUDIT_CLIENT_HEADER, labelledActor } from '@dex/shared/domain/audit';
import { type ClientRecord, findClient } from '@dex/shared/domain/clients';
import { findUserById, type UserRecord } from '@dex/shared/domain/users';
import type { WorkerRequest } from '#http/request.ts';
import { findAccessTokenSubject } from '#oidc/access-token-subject.ts';
import type { AccessTokens } from '#oidc/jwt-access-tokens.ts';
import type { KeyCache } from '#oidc/key-cache.ts';
import { ApiError } from './api-error.ts';
import { verifyApiIdToken } from './id-token-bearer.ts';

/**
 * Who calls the worker API: a client itself (its client-credentials token), or a user through
 * a client (an access token or an ID token issued to it). `clientId` is, for a user, the admin
 * client among the token's audiences when there is one, else its first audience.
 */
export type ApiCaller =
  | { kind: 'client'; clientId: string; adminClient: boolean; label?: string }
  | { kind: 'user'; clientId: string; adminClient: boolean; userId: string; email: string; adminUser: boolean };

export interface ApiCallerDeps {
  prisma: PrismaDb;
  issuer: string;
  accessTokens: AccessTokens;
  keys: KeyCache;
  /**
   * `--api-use-client-credentials` (dex v0): also take an admin client's client-credentials
   * ID token (`sub` = `aud` = its id) as the client itself. Its access token always counts.
   */
  apiUseClientCredentials: boolean;
}

const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

const INVALID = 'the token is invalid, expired or revoked';

/**
 * Authenticates a worker API request by its `Authorization: Bearer` token, one of:
 * - an access token: a client's own (client_credentials) or a user's issued to a client;
 * - an ID token this worker signed for a user (dex v0 §2.14), to any client; with
 *   `--api-use-client-credentials`, also a client's client-credentials ID token.
 * The user must exist and not be disabled. Whether the caller may do what it asks is
 * {@link requireAdmin}'s and {@link requireSelfOrAdmin}'s business.
 * @throws ApiError 401 `unauthorized` without a valid token, for an unknown or disabled user.
 * @example const caller = await authenticateApiCaller(deps, req);
 */
export async function authenticateApiCaller(deps: ApiCallerDeps, req: WorkerRequest): Promise<ApiCaller> {
  const token = BEARER.exec(req.header('authorization') ?? '')?.[1];
  if (token === undefined) throw new ApiError('unauthorized', 401, 'a token is required: Authorization: Bearer <token>');
  const claims = await deps.accessTokens.verify(token);
  if (claims !== null) {
    const subject = await findAccessTokenSubject(deps.prisma, claims);
    if (subject === null) throw new ApiError('unauthorized', 401, INVALID);
    if (subject.kind === 'client') {
      // dexctl names itself (X-Dex-Client) for the audit log; only a label, never a right.
      const label = req.header(AUDIT_CLIENT_HEADER);
      return { kind: 'client', clientId: subject.client.id, adminClient: subject.client.admin, ...(label === undefined ? {} : { label }) };
    }
    const client = await findClient(deps.prisma, claims.clientId);
    if (client === null) throw new ApiError('unauthorized', 401, INVALID);
    return userCaller(subject.user, [client]);
  }
  const idToken = await verifyApiIdToken(token, { keys: deps.keys, issuer: deps.issuer });
  if (idToken === 'expired') throw new ApiError('unauthorized', 401, 'the ID token has expired');
  if (idToken === null) throw new ApiError('unauthorized', 401, INVALID);
  const [user, clients] = await Promise.all([
    findUserById(deps.prisma, idToken.sub),
    Promise.all(idToken.aud.map((id) => findClient(deps.prisma, id))),
  ]);
  const [first] = clients;
  if (first === null || first === undefined) throw new ApiError('unauthorized', 401, INVALID);
  if (user === null) {
    const own = deps.apiUseClientCredentials && idToken.aud.length === 1 && idToken.sub === first.id;
    if (!own) throw new ApiError('unauthorized', 401, 'the token is not a user’s');
    return { kind: 'client', clientId: first.id, adminClient: first.admin };
  }
  if (user.disabled) throw new ApiError('unauthorized', 401, 'the user is disabled');
  return userCaller(
    user,
    clients.filter((client) => client !== null),
  );
}

function userCaller(user: UserRecord, clients: readonly ClientRecord[]): ApiCaller {
  const admin = clients.find((client) => client.admin);
  const client = admin ?? clients[0];
  return {
    kind: 'user',
    clientId: client?.id ?? '',
    adminClient: admin !== undefined,
    userId: user.id,
    email: user.email,
    adminUser: user.admin,
  };
}

/**
 * Refuses a caller without admin rights, in dex v0's catalogue: a client that is not an admin
 * client, or a user's token issued to no admin client, is 403 `forbidden`; a user who is not
 * an admin is 401 `unauthorized`. Admin rights are never implied (v0.1–0.4 let any client
 * manage clients; not here).
 * @example requireAdmin(caller);
 */
export function requireAdmin(caller: ApiCaller): void {
  if (!caller.adminClient) throw new ApiError('forbidden', 403, `client ${caller.clientId} is not an admin client`);
  if (caller.kind === 'user' && !caller.adminUser) throw new ApiError('unauthorized', 401, 'the user is not an admin');
}

/**
 * Lets a user act on their own account (`userId`), through any client; anyone else needs
 * admin rights ({@link requireAdmin}).
 * @example requireSelfOrAdmin(caller, params.userid);
 */
export function requireSelfOrAdmin(caller: ApiCaller, userId: string): void {
  if (caller.kind === 'user' && caller.userId === userId) return;
  requireAdmin(caller);
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
