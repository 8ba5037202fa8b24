import { type Response, Router } from 'express';
import {
  CONNECTORS_API_PATHS,
  type TConnector,
  type TConnectorConfigJson,
  type TConnectorList,
  type TConnectorTestResult,
  type TConnectorValidation,
  ZConnectorTestRequest,
  ZCreateConnectorRequest,
  ZReplaceConnectorsRequest,
  ZUpdateConnectorRequest,
} from '@dex/shared/admin-api';
import type { PrismaDb } from '@dex/shared/db';
import { type AuditAction, recordAuditEvent } from '@dex/shared/domain/audit';
import {
  type ConnectorRecord,
  createConnector,
  deleteConnector,
  getConnector,
  listConnectors,
  maskConnectorSecrets,
  replaceConnectors,
  resolveConnectorConfig,
  type TConnectorConfig,
  updateConnector,
  validateConnectorConfigs,
} from '@dex/shared/domain/connectors';
import { AppError } from '@dex/shared/errors';
import { testConnectorConnection } from '@dex/shared/upstream';
import { parseBody } from '@dex/shared/admin-api/requests';
import { actorOf } from './require-admin.ts';

export interface ConnectorsRoutesDeps {
  prisma: PrismaDb;
  /** The bound of each request or LDAP operation of "Test connection" (default 5 s). */
  connectorTestTimeoutMs?: number;
}

/** A config as it leaves the server: every secret masked. */
function toConfigJson(config: TConnectorConfig): TConnectorConfigJson {
  return maskConnectorSecrets(config);
}

/** The API's (and the audit log's) view of a connector: secrets masked. */
function toConnector(connector: ConnectorRecord): TConnector {
  return {
    id: connector.id,
    type: connector.type,
    position: connector.position,
    config: toConfigJson(connector.config),
    createdAt: connector.createdAt.toISOString(),
    updatedAt: connector.updatedAt.toISOString(),
  };
}

function connectorPath(id: string): string {
  return CONNECTORS_API_PATHS.connectorById.replace(':id', encodeURIComponent(id));
}

/**
 * Connector management: dex v0's `GET`/`PUT /api/v1/connectors` (whole list, v0 shapes) and
 * REST on single connectors. Secrets are write-only: masked in every answer and in the audit
 * log; a masked value written back keeps the stored secret (see the contract).
 */
export function connectorsRoutes(deps: ConnectorsRoutesDeps): Router {
  const router = Router();
  const { prisma } = deps;
  const audit = (res: Response, action: AuditAction, targetId: string, change: { before?: unknown; after?: unknown }) =>
    recordAuditEvent(prisma, { actor: actorOf(res), action, targetType: 'connector', targetId, ...change });

  router.get(CONNECTORS_API_PATHS.connectors, async (_req, res) => {
    const connectors = await listConnectors(prisma);
    const body: TConnectorList = {
      connectors: connectors.map((connector) => toConfigJson(connector.config)),
      items: connectors.map(toConnector),
    };
    res.json(body);
  });

  // dex v0: replaces every connector; 200 with an empty body.
  router.put(CONNECTORS_API_PATHS.connectors, async (req, res) => {
    const { connectors } = parseBody(ZReplaceConnectorsRequest, req.body);
    const { before, after } = await replaceConnectors(prisma, { configs: connectors });
    // One event for the whole list: v0 clients replace it as a unit.
    await audit(res, 'connector.replace_all', '*', { before: before.map(toConfigJson), after: after.map(toConfigJson) });
    res.status(200).end();
  });

  router.post(CONNECTORS_API_PATHS.connectors, async (req, res) => {
    const { position, ...config } = parseBody(ZCreateConnectorRequest, req.body);
    const connector = toConnector(await createConnector(prisma, { config, position }));
    await audit(res, 'connector.create', connector.id, { after: connector });
    res.status(201).location(connectorPath(connector.id)).json(connector);
  });

  // Checks one config or a list (a PUT body's `connectors`) and saves nothing.
  router.post(CONNECTORS_API_PATHS.validate, async (req, res) => {
    const problems = await validateConnectorConfigs(prisma, { input: req.body });
    const body: TConnectorValidation = problems.length === 0 ? { valid: true } : { valid: false, errors: problems };
    res.json(body);
  });

  // "Test connection": the real checks the worker's connector depends on, from this process; saves nothing.
  router.post(CONNECTORS_API_PATHS.test, async (req, res) => {
    const { position: _position, ...input } = parseBody(ZConnectorTestRequest, req.body);
    const config = await resolveConnectorConfig(prisma, { input });
    const body: TConnectorTestResult = await testConnectorConnection({ config, timeoutMs: deps.connectorTestTimeoutMs ?? 5_000 });
    res.json(body);
  });

  router.get(CONNECTORS_API_PATHS.connectorById, async (req, res) => {
    const connector = await getConnector(prisma, { id: req.params.id });
    if (connector === null) throw new AppError('NOT_FOUND', { message: 'connector not found' });
    res.json(toConnector(connector));
  });

  router.patch(CONNECTORS_API_PATHS.connectorById, async (req, res) => {
    const { position, ...changes } = parseBody(ZUpdateConnectorRequest, req.body);
    const updated = await updateConnector(prisma, { id: req.params.id, changes, position });
    const after = toConnector(updated.after);
    await audit(res, 'connector.update', after.id, { before: toConnector(updated.before), after });
    res.json(after);
  });

  router.delete(CONNECTORS_API_PATHS.connectorById, async (req, res) => {
    const deleted = await deleteConnector(prisma, { id: req.params.id });
    await audit(res, 'connector.delete', deleted.id, { before: toConnector(deleted) });
    res.status(204).end();
  });

  return router;
}
