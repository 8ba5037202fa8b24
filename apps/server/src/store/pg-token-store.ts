import type { ClientCredentialRow } from '@dex/shared/domain/clients';
import type { UserRecord } from '@dex/shared/domain/users';
import type { DatabaseDriver } from '@dex/shared/db';
import type { NewRefreshTokenRow, StoredRefreshToken, TokenStore } from './token-store.ts';

type Pool = Extract<DatabaseDriver, { provider: 'postgresql' }>['pool'];

// The timestamp columns are TIMESTAMP(3) (no time zone) holding UTC, as Prisma writes them.
// They are read `AT TIME ZONE 'UTC'` (a timestamptz, which pg parses to the right instant
// whatever the process's time zone) and written as UTC wall time.

/** UTC wall time, as Prisma's adapter writes TIMESTAMP(3). */
function writeDate(date: Date): string {
  return date.toISOString().slice(0, 23).replace('T', ' ');
}

// Named statements: each pool connection parses and plans them once, then only binds.
const SELECT_CLIENT = {
  name: 'dex_token_select_client',
  text: `SELECT id, name, admin, public, access_token_format AS "accessTokenFormat", secret_hash AS "secretHash" FROM clients WHERE id = $1`,
};

const SELECT_REFRESH_TOKEN = {
  name: 'dex_token_select_refresh_token',
  text: `
    SELECT t.id, t.family_id AS "familyId", t.parent_id AS "parentId", t.user_id AS "userId",
           t.client_id AS "clientId", t.connector_id AS "connectorId", t.scopes,
           t.auth_session_id AS "authSessionId", t.auth_time AT TIME ZONE 'UTC' AS "authTime",
           t.created_at AT TIME ZONE 'UTC' AS "createdAt", t.last_used_at AT TIME ZONE 'UTC' AS "lastUsedAt",
           t.expires_at AT TIME ZONE 'UTC' AS "expiresAt", t.rotated_at AT TIME ZONE 'UTC' AS "rotatedAt",
           t.revoked_at AT TIME ZONE 'UTC' AS "revokedAt",
           u.email, u.email_verified AS "emailVerified", u.display_name AS "displayName", u.admin,
           u.disabled, u.created_at AT TIME ZONE 'UTC' AS "userCreatedAt"
    FROM refresh_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = $1`,
};

/**
 * The rotation in one statement: the compare-and-set and the successor's insert commit or
 * fail together, and the insert happens only when the update won. A concurrent rotation of
 * the same token waits on the row lock, re-checks `rotated_at IS NULL` against the winner's
 * committed row (READ COMMITTED), updates nothing and inserts nothing.
 */
const SPEND_REFRESH_TOKEN = {
  name: 'dex_token_spend_refresh_token',
  text: `
    WITH spent AS (
      UPDATE refresh_tokens SET rotated_at = $1::timestamp(3), last_used_at = $1::timestamp(3)
      WHERE id = $2 AND rotated_at IS NULL AND revoked_at IS NULL
      RETURNING id
    )
    INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, user_id, client_id, connector_id, scopes,
                                auth_session_id, auth_time, created_at, expires_at)
    SELECT $3::text, $4::text, $5::text, spent.id, $6::text, $7::text, $8::text, $9::text,
           $10::text, $11::timestamp(3), $12::timestamp(3), $13::timestamp(3)
    FROM spent
    RETURNING id`,
};

/**
 * A sibling successor, only while its parent is live and rotated within the reuse window. The
 * parent is read `FOR SHARE`: a family revocation in progress is waited for and re-checked.
 */
const INSERT_SIBLING = {
  name: 'dex_token_insert_sibling_refresh_token',
  text: `
    INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, user_id, client_id, connector_id, scopes,
                                auth_session_id, auth_time, created_at, expires_at)
    SELECT $3::text, $4::text, $5::text, p.id, $6::text, $7::text, $8::text, $9::text,
           $10::text, $11::timestamp(3), $12::timestamp(3), $13::timestamp(3)
    FROM refresh_tokens p
    WHERE p.id = $2 AND p.revoked_at IS NULL AND p.rotated_at >= $1::timestamp(3)
    FOR SHARE
    RETURNING id`,
};

const REVOKE_FAMILY = {
  name: 'dex_token_revoke_family',
  text: `UPDATE refresh_tokens SET revoked_at = $1::timestamp(3) WHERE family_id = $2 AND revoked_at IS NULL`,
};

/**
 * A row of SELECT_REFRESH_TOKEN: the token's columns as `StoredRefreshToken` has them (`pg`
 * returns timestamps as Dates and booleans as booleans), then its user's, aliased.
 */
type RefreshTokenJoinRow = Omit<StoredRefreshToken, 'user'> &
  Pick<UserRecord, 'email' | 'emailVerified' | 'displayName' | 'admin' | 'disabled'> & { userCreatedAt: Date };

/** `$1` (an instant), `$2` (the parent's id), then the new token's columns, as both inserts bind them. */
function successorValues(instant: string, parentId: string, successor: NewRefreshTokenRow): (string | null)[] {
  return [
    instant,
    parentId,
    successor.id,
    successor.tokenHash,
    successor.familyId,
    successor.userId,
    successor.clientId,
    successor.connectorId,
    successor.scopes,
    successor.authSessionId,
    successor.authTime === null ? null : writeDate(successor.authTime),
    writeDate(successor.createdAt),
    writeDate(successor.expiresAt),
  ];
}

/**
 * The token store on the `pg` pool under Prisma's adapter, with named prepared statements.
 * @example const store = createPgTokenStore(pool);
 */
export function createPgTokenStore(pool: Pool): TokenStore {
  return {
    async findClientCredentials(id) {
      const result = await pool.query<ClientCredentialRow>({ ...SELECT_CLIENT, values: [id] });
      return result.rows[0] ?? null;
    },
    async findRefreshToken(tokenHash): Promise<StoredRefreshToken | null> {
      const result = await pool.query<RefreshTokenJoinRow>({ ...SELECT_REFRESH_TOKEN, values: [tokenHash] });
      const row = result.rows[0];
      if (row === undefined) return null;
      const { email, emailVerified, displayName, admin, disabled, userCreatedAt, ...token } = row;
      return {
        ...token,
        user: { id: row.userId, email, emailVerified, displayName, admin, disabled, createdAt: userCreatedAt },
      };
    },
    async spendRefreshToken({ id, now, successor }) {
      const result = await pool.query({ ...SPEND_REFRESH_TOKEN, values: successorValues(writeDate(now), id, successor) });
      return result.rowCount === 1;
    },
    async addSiblingRefreshToken({ rotatedSince, successor }) {
      const values = successorValues(writeDate(rotatedSince), successor.parentId, successor);
      const result = await pool.query({ ...INSERT_SIBLING, values });
      return result.rowCount === 1;
    },
    async revokeRefreshTokenFamily(familyId, now) {
      const result = await pool.query({ ...REVOKE_FAMILY, values: [writeDate(now), familyId] });
      return result.rowCount ?? 0;
    },
  };
}
