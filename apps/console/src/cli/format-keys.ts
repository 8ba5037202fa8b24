import type { TSigningKey } from '@dex/shared/admin-api';
import { cell, formatTable } from './output.ts';

/** The signing key table of list-keys and rotate-keys, newest first as the store lists them. */
export function formatKeys(keys: readonly TSigningKey[]): string {
  if (keys.length === 0) return 'No signing keys (the overlord makes the first one when it starts).\n';
  return formatTable(
    ['KID', 'ALG', 'STATE', 'ACTIVATES', 'RETIRES', 'EXPIRES'],
    keys.map((key) => [cell(key.kid), key.alg, key.state, key.activatesAt, cell(key.retiresAt), cell(key.expiresAt)]),
  );
}
