import type { PrismaDb } from '@dex/shared/db';
import { recordAuditEvent } from '@dex/shared/domain/audit';
import { listRefreshTokenClients, revokeClientRefreshTokens, revokeIds } from '@dex/shared/domain/auth';
import { requireUserDetails } from '@dex/shared/domain/users';
import { auditActor, requireSelfOrAdmin } from './api-caller.ts';
import type { ApiEndpoint } from './worker-api.ts';

/** One client in `GET account/:userid/refresh`, with dex v0's field names. */
export interface AccountClientView {
  clientID: string;
  clientName: string;
  logoURI?: string;
  clientURI?: string;
}

const authorize = (caller: Parameters<typeof requireSelfOrAdmin>[0], params: Readonly<Record<string, string>>) =>
  requireSelfOrAdmin(caller, params.userid ?? '');

/**
 * The account endpoints of the worker API v1 (dex v0.4 §2.14): a user lists the clients that
 * hold their refresh tokens and takes one client's away, with their own ID token (to any
 * client) or access token; admins may do it for anyone. A revocation also ends the access
 * tokens of the grants it revoked, and is in the audit log.
 */
export function accountEndpoints(deps: { prisma: PrismaDb; idTokenTtlMs: number }): ApiEndpoint[] {
  const { prisma } = deps;
  return [
    {
      method: 'GET',
      path: 'account/:userid/refresh',
      authorize,
      async handle({ params }) {
        const user = await requireUserDetails(prisma, params.userid ?? '');
        const clients = await listRefreshTokenClients(prisma, { userId: user.id });
        const views: AccountClientView[] = clients.map((client) => ({
          clientID: client.id,
          clientName: client.name,
          ...(client.logoUri === null ? {} : { logoURI: client.logoUri }),
          ...(client.clientUri === null ? {} : { clientURI: client.clientUri }),
        }));
        return { status: 200, body: { clients: views } };
      },
    },
    {
      method: 'DELETE',
      path: 'account/:userid/refresh/:clientid',
      authorize,
      async handle({ params, caller }) {
        const user = await requireUserDetails(prisma, params.userid ?? '');
        const clientId = params.clientid ?? '';
        const now = new Date();
        const { revoked, grantIds } = await revokeClientRefreshTokens(prisma, { userId: user.id, clientId, now });
        await revokeIds(prisma, grantIds, new Date(now.getTime() + deps.idTokenTtlMs));
        await recordAuditEvent(prisma, {
          actor: auditActor(caller),
          action: 'user.revoke_client_tokens',
          targetType: 'user',
          targetId: user.id,
          after: { clientId, revokedRefreshTokens: revoked },
        });
        // dex v0 answers 200 with an empty body.
        return { status: 200 };
      },
    },
  ];
}
