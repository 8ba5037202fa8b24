import { type TClient, type TCreateClientRequest, type TCreateUserRequest, type TState, type TUser, ZState } from '@dex/shared/admin-api';
import { usageError } from '@dex/shared/config';
import type { Database } from '@dex/shared/db';
import { type AuditAction, recordAuditEvent } from '@dex/shared/domain/audit';
import { createClient, deleteClient, findClient, listClients, rotateClientSecret } from '@dex/shared/domain/clients';
import { listConnectors, maskConnectorSecrets, replaceConnectors } from '@dex/shared/domain/connectors';
import {
  DEFAULT_KEY_PUBLISH_DELAY_MS,
  keyState,
  listSigningKeys,
  readSigningKeyChain,
  rotateSigningKeysOnDemand,
  type SigningKeyView,
} from '@dex/shared/domain/keys';
import {
  createUser,
  disableUser,
  findUserByEmail,
  hasAdminUser,
  LOCAL_CONNECTOR_ID,
  listUsers,
  requireUserDetails,
} from '@dex/shared/domain/users';
import { AppError } from '@dex/shared/errors';
import { DEX_VERSION } from '@dex/shared/version';
import type { Driver } from '../driver.ts';
import { withOpenDatabase } from '../open-database.ts';
import { toClient, toConnectorList, toRotationResult, toSigningKey, toUser } from './contract-views.ts';

/** Who the audit log names for changes made with `--db-url` (the admin API writes `admin-api`). */
const AUDIT_ACTOR = 'dexctl (db)';
/** Rows per query when reading a whole list. */
const PAGE_SIZE = 100;
/** The overlord's default `--key-period`, for a chain without an active key. */
const DEFAULT_KEY_PERIOD_MS = 24 * 3_600_000;

export interface DatabaseDriverOptions {
  url: string;
  /** `--key-secrets`: required by `rotateKeys` only. */
  keySecrets: readonly Buffer[] | undefined;
  /** `--key-period`; undefined means "that of the active key". */
  keyPeriodMs: number | undefined;
  debug(line: string): void;
}

/**
 * Opens the database (refusing one without the dex schema), runs `use` with a driver that
 * works in it through the shared domain functions, and closes it. Changes are written to the
 * audit log as the admin API writes them, with the actor `dexctl (db)`.
 * @example await withDatabaseDriver({ url, keySecrets: undefined, keyPeriodMs: undefined, debug }, (driver) => driver.listClients());
 */
export function withDatabaseDriver<T>(options: DatabaseDriverOptions, use: (driver: Driver) => Promise<T>): Promise<T> {
  return withOpenDatabase({ url: options.url, debug: options.debug }, (db) => use(createDatabaseDriver(db, options)));
}

function createDatabaseDriver(db: Database, options: DatabaseDriverOptions): Driver {
  const { prisma } = db;
  const audit = (action: AuditAction, targetType: string, targetId: string, change: { before?: unknown; after?: unknown }) =>
    recordAuditEvent(prisma, { actor: AUDIT_ACTOR, action, targetType, targetId, ...change });
  const keyPeriodMs = (keys: readonly SigningKeyView[], now: Date) =>
    options.keyPeriodMs ?? activeKeyPeriod(keys, now) ?? DEFAULT_KEY_PERIOD_MS;
  /** The overlord's `--key-publish-delay`, as it recorded it for the workers (its default before it did). */
  const publishDelayMs = async () => (await readSigningKeyChain(prisma)).publishDelayMs ?? DEFAULT_KEY_PUBLISH_DELAY_MS;

  return {
    async getState() {
      const [adminUserCreated, clients, users, connectors] = await Promise.all([
        hasAdminUser(prisma),
        prisma.client.count(),
        prisma.user.count(),
        prisma.connectorConfig.count(),
      ]);
      const state: TState = { AdminUserCreated: adminUserCreated, clients, users, connectors, database: db.provider, version: DEX_VERSION };
      return ZState.parse(state);
    },

    async listClients() {
      const clients: TClient[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await listClients(prisma, { limit: PAGE_SIZE, after });
        clients.push(...page.clients.map(toClient));
        if (page.nextAfter === null) return clients;
        after = page.nextAfter;
      }
    },

    async getClient(id) {
      const client = await findClient(prisma, id);
      if (client === null) throw new AppError('NOT_FOUND', { message: 'client not found' });
      return toClient(client);
    },

    async createClient(request: TCreateClientRequest) {
      const { client, secret } = await createClient(prisma, {
        ...request,
        logoUri: request.logoUri ?? undefined,
        clientUri: request.clientUri ?? undefined,
      });
      const view = toClient(client);
      await audit('client.create', 'client', client.id, { after: view });
      return { client: view, ...(secret === null ? {} : { secret }) };
    },

    async deleteClient(id) {
      const deleted = await deleteClient(prisma, { id });
      await audit('client.delete', 'client', id, { before: toClient(deleted.client) });
      options.debug(
        `removed ${deleted.refreshTokensDeleted} refresh token(s) and ${deleted.trustRemoved} trusted-peer link(s) with the client`,
      );
    },

    async rotateClientSecret(id) {
      const { before, after, secret } = await rotateClientSecret(prisma, { id });
      await audit('client.rotate_secret', 'client', id, { before: toClient(before), after: toClient(after) });
      return { secret };
    },

    async listConnectors() {
      return toConnectorList(await listConnectors(prisma));
    },

    async replaceConnectors(configs) {
      const { before, after } = await replaceConnectors(prisma, { configs });
      // One event for the whole list, as the admin API's PUT writes it.
      await audit('connector.replace_all', 'connector', '*', {
        before: before.map((config) => maskConnectorSecrets(config)),
        after: after.map((config) => maskConnectorSecrets(config)),
      });
    },

    async listUsers() {
      const users: TUser[] = [];
      let afterEmail: string | undefined;
      for (;;) {
        const page = await listUsers(prisma, { limit: PAGE_SIZE, afterEmail });
        users.push(...page.users.map(toUser));
        if (page.nextAfterEmail === null) return users;
        afterEmail = page.nextAfterEmail;
      }
    },

    async findUserByEmail(email) {
      const user = await findUserByEmail(prisma, email);
      if (user === null) throw new AppError('NOT_FOUND', { message: 'user not found' });
      return toUser(await requireUserDetails(prisma, user.id));
    },

    async createUser(request: TCreateUserRequest) {
      const created = await createUser(prisma, { ...request, localConnectorId: LOCAL_CONNECTOR_ID });
      const user = toUser(await requireUserDetails(prisma, created.id));
      await audit('user.create', 'user', user.id, { after: user });
      return user;
    },

    async disableUser(id) {
      const { before, after, revokedRefreshTokens, endedSessions } = await disableUser(prisma, { userId: id });
      await audit('user.disable', 'user', id, { before: toUser(before), after: toUser(after) });
      options.debug(`revoked ${revokedRefreshTokens} refresh token(s) and ended ${endedSessions} session(s)`);
      return toUser(after);
    },

    async listKeys() {
      const now = new Date();
      const keys = await listSigningKeys(prisma);
      const active = keys.find((key) => keyState(key, now) === 'active');
      return {
        keys: keys.map((key) => toSigningKey(key, now)),
        nextRotationAt: active?.retiresAt?.toISOString() ?? null,
        keyPeriodSeconds: keyPeriodMs(keys, now) / 1000,
        publishDelaySeconds: (await publishDelayMs()) / 1000,
      };
    },

    async rotateKeys(request) {
      if (options.keySecrets === undefined) {
        throw usageError("rotate-keys with --db-url needs --key-secrets (the overlord's --key-secrets) to encrypt the new key");
      }
      const now = new Date();
      const keys = await listSigningKeys(prisma);
      const previous = keys.find((key) => keyState(key, now) === 'active');
      const mode = request.mode ?? 'publish-first';
      const delay = await publishDelayMs();
      // The new key keeps the algorithm of the chain (the overlord's --key-alg).
      const rotation = await rotateSigningKeysOnDemand(prisma, {
        secrets: options.keySecrets,
        keyPeriodMs: keyPeriodMs(keys, now),
        publishDelayMs: delay,
        mode,
        ...(previous === undefined ? {} : { alg: previous.alg }),
      });
      const result = toRotationResult(rotation, { keys: await listSigningKeys(prisma), publishDelayMs: delay, now: new Date() });
      await audit('keys.rotate', 'signing_key', rotation.kid, {
        before: { activeKid: rotation.previousKid },
        after: { activeKid: rotation.kid, mode, activatesAt: result.activatesAt, withdrawn: rotation.withdrawn },
      });
      return result;
    },
  };
}

/** How long the active key signs (retirement minus activation): the period the overlord gave it. */
function activeKeyPeriod(keys: readonly SigningKeyView[], now: Date): number | undefined {
  const active = keys.find((key) => keyState(key, now) === 'active');
  if (active === undefined || active.retiresAt === null) return undefined;
  const ms = active.retiresAt.getTime() - active.activatesAt.getTime();
  return ms > 0 ? ms : undefined;
}
