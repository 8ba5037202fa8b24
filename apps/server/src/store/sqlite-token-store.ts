import { type DatabaseDriver, isSqliteBusy, retryWhileBusy } from '@dex/shared/db';
import type { NewRefreshTokenRow, StoredRefreshToken, TokenStore } from './token-store.ts';

type Connection = ReturnType<Extract<DatabaseDriver, { provider: 'sqlite' }>['connection']>;

/**
 * Prisma's better-sqlite3 adapter stores DateTime as ISO-8601 text with a `+00:00` offset;
 * rows written by SQLite's own `CURRENT_TIMESTAMP` default read `YYYY-MM-DD HH:MM:SS` (UTC).
 */
function writeDate(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

function readDate(value: unknown): Date {
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  const text = String(value);
  return new Date(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text);
}

function readOptionalDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : readDate(value);
}

/** Booleans are stored as 0/1. */
function readBoolean(value: unknown): boolean {
  return value === 1 || value === 1n || value === true;
}

const SELECT_CLIENT = `
  SELECT id, name, admin, public, access_token_format AS accessTokenFormat, secret_hash AS secretHash
  FROM clients WHERE id = ?`;

const SELECT_REFRESH_TOKEN = `
  SELECT t.id, t.family_id AS familyId, t.parent_id AS parentId, t.user_id AS userId, t.client_id AS clientId,
         t.connector_id AS connectorId, t.scopes, t.auth_session_id AS authSessionId, t.auth_time AS authTime,
         t.created_at AS createdAt, t.last_used_at AS lastUsedAt, t.expires_at AS expiresAt,
         t.rotated_at AS rotatedAt, t.revoked_at AS revokedAt,
         u.email, u.email_verified AS emailVerified, u.display_name AS displayName, u.admin,
         u.disabled, u.created_at AS userCreatedAt
  FROM refresh_tokens t JOIN users u ON u.id = t.user_id
  WHERE t.token_hash = ?`;

const SPEND_REFRESH_TOKEN = `
  UPDATE refresh_tokens SET rotated_at = @now, last_used_at = @now
  WHERE id = @id AND rotated_at IS NULL AND revoked_at IS NULL`;

const INSERT_REFRESH_TOKEN = `
  INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, user_id, client_id, connector_id, scopes,
                              auth_session_id, auth_time, created_at, expires_at)
  VALUES (@id, @tokenHash, @familyId, @parentId, @userId, @clientId, @connectorId, @scopes,
          @authSessionId, @authTime, @createdAt, @expiresAt)`;

/** A sibling successor, only while its parent is live and rotated within the reuse window. */
const INSERT_SIBLING = `
  INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, user_id, client_id, connector_id, scopes,
                              auth_session_id, auth_time, created_at, expires_at)
  SELECT @id, @tokenHash, @familyId, @parentId, @userId, @clientId, @connectorId, @scopes,
         @authSessionId, @authTime, @createdAt, @expiresAt
  FROM refresh_tokens WHERE id = @parentId AND revoked_at IS NULL AND rotated_at >= @rotatedSince`;

const REVOKE_FAMILY = `
  UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL`;

/** A new token's row as the INSERT statements' named parameters. */
function successorParams(successor: NewRefreshTokenRow): Record<string, string | null> {
  return {
    id: successor.id,
    tokenHash: successor.tokenHash,
    familyId: successor.familyId,
    parentId: successor.parentId,
    userId: successor.userId,
    clientId: successor.clientId,
    connectorId: successor.connectorId,
    scopes: successor.scopes,
    authSessionId: successor.authSessionId,
    authTime: successor.authTime === null ? null : writeDate(successor.authTime),
    createdAt: writeDate(successor.createdAt),
    expiresAt: writeDate(successor.expiresAt),
  };
}

interface ClientRow {
  id: string;
  name: string;
  admin: unknown;
  public: unknown;
  accessTokenFormat: string;
  secretHash: string | null;
}

interface RefreshTokenJoinRow {
  id: string;
  familyId: string;
  parentId: string | null;
  userId: string;
  clientId: string;
  connectorId: string;
  scopes: string;
  authSessionId: string | null;
  authTime: unknown;
  createdAt: unknown;
  lastUsedAt: unknown;
  expiresAt: unknown;
  rotatedAt: unknown;
  revokedAt: unknown;
  email: string;
  emailVerified: unknown;
  displayName: string;
  admin: unknown;
  disabled: unknown;
  userCreatedAt: unknown;
}

interface PendingSpend {
  id: string;
  now: string;
  successor: NewRefreshTokenRow;
  resolve(won: boolean): void;
  reject(error: unknown): void;
}

/**
 * The token store on a better-sqlite3 connection of its own (see `DatabaseDriver`): every
 * statement is prepared once here and reused.
 *
 * Rotations are group-committed. Each commit takes the write lock and appends to the WAL
 * (and, at `synchronous = FULL`, would wait for an fsync; `createDatabase` sets `NORMAL`),
 * and better-sqlite3 waits on the main thread. So the rotations requested during one turn of
 * the event loop run in one `BEGIN IMMEDIATE` transaction, one commit for all of them, each
 * still its own compare-and-set followed by its successor's insert (two rotations of one
 * token in a batch: the first wins). Durability is unchanged: a grant answers only after its commit.
 * @example const store = createSqliteTokenStore(db.driver.connection());
 */
export function createSqliteTokenStore(connection: Connection): TokenStore {
  const selectClient = connection.prepare<[string], ClientRow>(SELECT_CLIENT);
  const selectToken = connection.prepare<[string], RefreshTokenJoinRow>(SELECT_REFRESH_TOKEN);
  const spend = connection.prepare<[{ id: string; now: string }]>(SPEND_REFRESH_TOKEN);
  const insert = connection.prepare<[Record<string, string | null>]>(INSERT_REFRESH_TOKEN);
  const revokeFamily = connection.prepare<[string, string]>(REVOKE_FAMILY);

  const insertSibling = connection.prepare<[Record<string, string | null>]>(INSERT_SIBLING);

  const spendOne = ({ id, now, successor }: PendingSpend): boolean => {
    if (spend.run({ id, now }).changes !== 1) return false;
    insert.run(successorParams(successor));
    return true;
  };
  const spendAll = connection.transaction((batch: readonly PendingSpend[]) => batch.map(spendOne));
  const spendAlone = connection.transaction(spendOne);

  let pending: PendingSpend[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      // IMMEDIATE takes the write lock up front: a busy database fails at BEGIN, before any change.
      const won = await retryWhileBusy(() => spendAll.immediate(batch));
      for (const [index, item] of batch.entries()) item.resolve(won[index] === true);
    } catch (error) {
      if (isSqliteBusy(error)) {
        for (const item of batch) item.reject(error);
        return;
      }
      // The batch rolled back as a whole: run each alone, so one failure fails only its grant.
      for (const item of batch) {
        await retryWhileBusy(() => spendAlone.immediate(item)).then(item.resolve, item.reject);
      }
    }
  };

  return {
    async findClientCredentials(id) {
      const row = await retryWhileBusy(() => selectClient.get(id));
      if (row === undefined) return null;
      return {
        id: row.id,
        name: row.name,
        admin: readBoolean(row.admin),
        public: readBoolean(row.public),
        accessTokenFormat: row.accessTokenFormat,
        secretHash: row.secretHash,
      };
    },
    async findRefreshToken(tokenHash): Promise<StoredRefreshToken | null> {
      const row = await retryWhileBusy(() => selectToken.get(tokenHash));
      if (row === undefined) return null;
      return {
        id: row.id,
        familyId: row.familyId,
        parentId: row.parentId,
        userId: row.userId,
        clientId: row.clientId,
        connectorId: row.connectorId,
        scopes: row.scopes,
        authSessionId: row.authSessionId,
        authTime: readOptionalDate(row.authTime),
        createdAt: readDate(row.createdAt),
        lastUsedAt: readOptionalDate(row.lastUsedAt),
        expiresAt: readDate(row.expiresAt),
        rotatedAt: readOptionalDate(row.rotatedAt),
        revokedAt: readOptionalDate(row.revokedAt),
        user: {
          id: row.userId,
          email: row.email,
          emailVerified: readBoolean(row.emailVerified),
          displayName: row.displayName,
          admin: readBoolean(row.admin),
          disabled: readBoolean(row.disabled),
          createdAt: readDate(row.userCreatedAt),
        },
      };
    },
    spendRefreshToken({ id, now, successor }) {
      return new Promise<boolean>((resolve, reject) => {
        if (pending.length === 0) setImmediate(() => void flush());
        pending.push({ id, now: writeDate(now), successor, resolve, reject });
      });
    },
    addSiblingRefreshToken({ rotatedSince, successor }) {
      const params = { ...successorParams(successor), rotatedSince: writeDate(rotatedSince) };
      return retryWhileBusy(() => insertSibling.run(params).changes === 1);
    },
    revokeRefreshTokenFamily(familyId, now) {
      return retryWhileBusy(() => revokeFamily.run(writeDate(now), familyId).changes);
    },
  };
}
