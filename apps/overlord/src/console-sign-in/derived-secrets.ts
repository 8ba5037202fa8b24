import { createHmac } from 'node:crypto';

/**
 * A secret derived from the admin API secret for one purpose (HMAC-SHA256, base64url, 43
 * characters): every overlord of a deployment shares the admin secret, so they agree on it
 * without storing anything, and a new admin secret gives new ones.
 * @example const secret = derivedSecret(adminApiSecret, 'dex-console client secret');
 */
export function derivedSecret(adminApiSecret: string, purpose: string): string {
  return createHmac('sha256', adminApiSecret).update(purpose).digest('base64url');
}

/** The `dex-console` client's secret (the overlord is that confidential client). */
export const consoleClientSecret = (adminApiSecret: string): string => derivedSecret(adminApiSecret, 'dex-console client secret');

/** The key that derives each sign-in's state, nonce and PKCE verifier from its flow id. */
export const signInFlowKey = (adminApiSecret: string): string => derivedSecret(adminApiSecret, 'dex-console sign-in flow');
