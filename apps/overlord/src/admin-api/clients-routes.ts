import { type Response, Router } from 'express';
import {
  CLIENTS_API_PATHS,
  type TClient,
  type TClientList,
  type TClientSecret,
  type TCreatedClient,
  type TV0CreateClientResponse,
  ZCreateClientRequest,
  ZListClientsQuery,
  ZUpdateClientRequest,
  ZV0CreateClientRequest,
} from '@dex/shared/admin-api';
import { toClientView } from '@dex/shared/admin-api/views';
import type { PrismaDb } from '@dex/shared/db';
import { type AuditAction, recordAuditEvent } from '@dex/shared/domain/audit';
import { createClient, deleteClient, findClient, listClients, rotateClientSecret, updateClient } from '@dex/shared/domain/clients';
import { AppError } from '@dex/shared/errors';
import { locals } from '@dex/shared/http';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '@dex/shared/admin-api/requests';
import { parseBody, parseQuery } from '@dex/shared/admin-api/requests';
import { actorOf } from './require-admin.ts';

export interface ClientsRoutesDeps {
  prisma: PrismaDb;
}

/** Clients are paged by id; the cursor carries the last id of the page. */
const ZClientCursor = z.strictObject({ id: z.string().min(1) });

function clientPath(id: string): string {
  return CLIENTS_API_PATHS.clientById.replace(':id', encodeURIComponent(id));
}

/** An empty v0 string means "not set". */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/**
 * Client management: REST endpoints (list, read, create, edit, delete, rotate the secret)
 * and dex v0's `POST /api/v1/client`. Secrets appear only in the answer that creates them.
 */
export function clientsRoutes(deps: ClientsRoutesDeps): Router {
  const router = Router();
  const { prisma } = deps;
  const audit = (res: Response, action: AuditAction, targetId: string, change: { before?: TClient; after?: TClient }) =>
    recordAuditEvent(prisma, { actor: actorOf(res), action, targetType: 'client', targetId, ...change });

  router.get(CLIENTS_API_PATHS.clients, async (req, res) => {
    const query = parseQuery(ZListClientsQuery, req.query);
    const after = query.cursor === undefined ? undefined : decodeCursor(ZClientCursor, query.cursor);
    const page = await listClients(prisma, { query: query.q, limit: query.limit, after: after?.id });
    const body: TClientList = {
      items: page.clients.map(toClientView),
      total: page.total,
      nextCursor: page.nextAfter === null ? null : encodeCursor({ id: page.nextAfter }),
    };
    res.json(body);
  });

  router.post(CLIENTS_API_PATHS.clients, async (req, res) => {
    const request = parseBody(ZCreateClientRequest, req.body);
    const { client, secret } = await createClient(prisma, {
      ...request,
      logoUri: request.logoUri ?? undefined,
      clientUri: request.clientUri ?? undefined,
    });
    await audit(res, 'client.create', client.id, { after: toClientView(client) });
    const body: TCreatedClient = { client: toClientView(client), ...(secret === null ? {} : { secret }) };
    res.status(201).location(clientPath(client.id)).json(body);
  });

  router.get(CLIENTS_API_PATHS.clientById, async (req, res) => {
    const client = await findClient(prisma, req.params.id);
    if (client === null) throw new AppError('NOT_FOUND', { message: 'client not found' });
    res.json(toClientView(client));
  });

  router.patch(CLIENTS_API_PATHS.clientById, async (req, res) => {
    const changes = parseBody(ZUpdateClientRequest, req.body);
    const { before, after } = await updateClient(prisma, { id: req.params.id, changes });
    await audit(res, 'client.update', after.id, { before: toClientView(before), after: toClientView(after) });
    res.json(toClientView(after));
  });

  router.delete(CLIENTS_API_PATHS.clientById, async (req, res) => {
    const deleted = await deleteClient(prisma, { id: req.params.id });
    await audit(res, 'client.delete', deleted.client.id, { before: toClientView(deleted.client) });
    locals(res).log.info(
      { clientId: deleted.client.id, refreshTokensDeleted: deleted.refreshTokensDeleted, trustRemoved: deleted.trustRemoved },
      'client deleted',
    );
    res.status(204).end();
  });

  router.post(CLIENTS_API_PATHS.clientSecret, async (req, res) => {
    const { before, after, secret } = await rotateClientSecret(prisma, { id: req.params.id });
    await audit(res, 'client.rotate_secret', after.id, { before: toClientView(before), after: toClientView(after) });
    const body: TClientSecret = { secret };
    res.json(body);
  });

  // dex v0 (reference §3.1): v0 field names in and out, 200 with the id and the secret.
  router.post(CLIENTS_API_PATHS.v0Client, async (req, res) => {
    const { client: v0 } = parseBody(ZV0CreateClientRequest, req.body);
    const { client, secret } = await createClient(prisma, {
      id: nonEmpty(v0.id),
      secret: nonEmpty(v0.secret),
      name: v0.clientName,
      redirectUris: v0.redirectURIs ?? [],
      logoUri: nonEmpty(v0.logoURI),
      clientUri: nonEmpty(v0.clientURI),
      admin: v0.isAdmin,
      public: v0.public,
      trustedPeers: v0.trustedPeers,
    });
    await audit(res, 'client.create', client.id, { after: toClientView(client) });
    const body: TV0CreateClientResponse = {
      client: {
        id: client.id,
        ...(secret === null ? {} : { secret }),
        redirectURIs: client.redirectUris,
        isAdmin: client.admin,
        public: client.public,
        trustedPeers: client.trustedPeers,
        ...(client.name === '' ? {} : { clientName: client.name }),
        ...(client.logoUri === null ? {} : { logoURI: client.logoUri }),
        ...(client.clientUri === null ? {} : { clientURI: client.clientUri }),
      },
    };
    res.status(200).json(body);
  });

  return router;
}
