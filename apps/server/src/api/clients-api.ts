import { CLIENTS_API_PATHS, type TClientSecret, type TCreatedClient, ZCreateClientRequest } from '@dex/shared/admin-api';
import { parseBody } from '@dex/shared/admin-api/requests';
import { toClientView } from '@dex/shared/admin-api/views';
import type { PrismaDb } from '@dex/shared/db';
import { type AuditAction, recordAuditEvent } from '@dex/shared/domain/audit';
import { createClient, deleteClient, findClient, listClients, rotateClientSecret } from '@dex/shared/domain/clients';
import { AppError } from '@dex/shared/errors';
import { z } from 'zod';
import { type ApiCaller, auditActor } from './api-caller.ts';
import { nextPage, readPage } from './paging.ts';
import type { ApiEndpoint } from './worker-api.ts';

const ZClientPosition = z.strictObject({ id: z.string().min(1) });

/**
 * The clients of the worker API v1 (v0.1–0.4 served list and create; here with the admin
 * API's client shapes and the rest of its operations), for `dexctl --endpoint`: list, create,
 * read, delete, rotate the secret. Every change is in the audit log under the caller's name.
 */
export function clientEndpoints(deps: { prisma: PrismaDb; issuer: string }): ApiEndpoint[] {
  const { prisma } = deps;
  const audit = (caller: ApiCaller, action: AuditAction, targetId: string, change: { before?: unknown; after?: unknown }) =>
    recordAuditEvent(prisma, { actor: auditActor(caller), action, targetType: 'client', targetId, ...change });
  const location = (id: string) => `${deps.issuer}${CLIENTS_API_PATHS.clientById.replace(':id', encodeURIComponent(id))}`;
  const requireClient = async (id: string) => {
    const client = await findClient(prisma, id);
    if (client === null) throw new AppError('NOT_FOUND', { message: 'client not found' });
    return client;
  };
  return [
    {
      method: 'GET',
      path: 'clients',
      async handle({ req }) {
        const page = readPage(req, ZClientPosition);
        const found = await listClients(prisma, { limit: page.limit, after: page.after?.id });
        return {
          status: 200,
          body: { clients: found.clients.map(toClientView), ...nextPage(found.nextAfter === null ? null : { id: found.nextAfter }) },
        };
      },
    },
    {
      method: 'POST',
      path: 'clients',
      async handle({ req, caller }) {
        const request = parseBody(ZCreateClientRequest, req.json);
        const { client, secret } = await createClient(prisma, {
          ...request,
          logoUri: request.logoUri ?? undefined,
          clientUri: request.clientUri ?? undefined,
        });
        await audit(caller, 'client.create', client.id, { after: toClientView(client) });
        const body: TCreatedClient = { client: toClientView(client), ...(secret === null ? {} : { secret }) };
        return { status: 201, body, location: location(client.id) };
      },
    },
    {
      method: 'GET',
      path: 'clients/:id',
      async handle({ params }) {
        return { status: 200, body: toClientView(await requireClient(params.id ?? '')) };
      },
    },
    {
      method: 'DELETE',
      path: 'clients/:id',
      async handle({ params, caller }) {
        const deleted = await deleteClient(prisma, { id: params.id ?? '' });
        await audit(caller, 'client.delete', deleted.client.id, { before: toClientView(deleted.client) });
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      path: 'clients/:id/secret',
      async handle({ params, caller }) {
        const { before, after, secret } = await rotateClientSecret(prisma, { id: params.id ?? '' });
        await audit(caller, 'client.rotate_secret', after.id, { before: toClientView(before), after: toClientView(after) });
        const body: TClientSecret = { secret };
        return { status: 200, body };
      },
    },
  ];
}
