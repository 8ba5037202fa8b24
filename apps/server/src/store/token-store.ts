import type { DatabaseDriver } from '@dex/shared/db';
import type { RefreshTokenRotationStore } from '@dex/shared/domain/auth';
import type { ClientCredentialRow } from '@dex/shared/domain/clients';
import { createPgTokenStore } from './pg-token-store.ts';
import { createSqliteTokenStore } from './sqlite-token-store.ts';

/**
 * What the token endpoint reads and writes on every request, as prepared SQL on the driver
 * itself (the Prisma client costs several times the query on this path). One module per
 * provider implements it; the SQL there follows prisma/migrations/{sqlite,postgresql}, and
 * the tests in test/oidc/token-store.test.ts run both against migrated databases.
 */
export interface TokenStore extends RefreshTokenRotationStore {
  /** The columns client authentication needs; null for an unknown client. */
  findClientCredentials(id: string): Promise<ClientCredentialRow | null>;
}

/**
 * The token store on a database's driver.
 * @example const store = createTokenStore(db.driver);
 */
export function createTokenStore(driver: DatabaseDriver): TokenStore {
  return driver.provider === 'sqlite' ? createSqliteTokenStore(driver.connection()) : createPgTokenStore(driver.pool);
}
