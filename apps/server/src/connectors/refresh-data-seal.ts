import { decryptWithSecrets, encryptWithSecret } from '@dex/shared/crypto';
import type { RefreshData } from './types.ts';

/**
 * Seals a connector's refresh data (an upstream refresh token among it) for the database:
 * AES-256-GCM under the first key secret, as the signing keys are. Never logged.
 * @example const blob = sealRefreshData({ refreshToken, sub }, config.keySecrets);
 */
export function sealRefreshData(data: RefreshData, keySecrets: readonly Uint8Array[]): string {
  const secret = keySecrets[0];
  if (secret === undefined) throw new Error('no key secret to seal connector data with');
  return encryptWithSecret(Buffer.from(JSON.stringify(data), 'utf8'), secret);
}

/**
 * Opens what `sealRefreshData` sealed, with any of the key secrets (a rotated list still
 * opens older data). Null when no secret opens it or it is not the expected shape.
 * @example const data = openRefreshData(offline.connectorData, config.keySecrets);
 */
export function openRefreshData(blob: string, keySecrets: readonly Uint8Array[]): RefreshData | null {
  let value: unknown;
  try {
    value = JSON.parse(decryptWithSecrets(blob, keySecrets).plaintext.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries);
}
