import type { DatabaseDriver } from '@dex/shared/db';
import { createPgTokenStore } from './pg-token-store.ts';
import { createSqliteTokenStore } from './sqlite-token-store.ts';
import type { TokenStore } from './token-store.ts';

/**
 * The token store on a database's driver.
 * @example const store = createTokenStore(db.driver);
 */
export function createTokenStore(driver: DatabaseDriver): TokenStore {
  return driver.provider === 'sqlite' ? createSqliteTokenStore(driver.connection()) : createPgTokenStore(driver.pool);
}
