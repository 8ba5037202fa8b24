import type { PrismaDb } from '@dex/shared/db';
import type { Logger } from '@dex/shared/logging';
import type { WorkerRequest } from '#http/request.ts';
import type { TokenStore } from '#store/token-store.ts';
import type { AccessTokens } from '../jwt-access-tokens.ts';
import type { KeyCache } from '../key-cache.ts';
import type { RefreshIdentityDeps } from '../refresh-identity.ts';

/** What every grant of the token endpoint needs from the worker. */
export interface GrantDeps {
  prisma: PrismaDb;
  /** Client lookup and refresh token rotation: prepared SQL on the hot path. */
  store: TokenStore;
  issuer: string;
  keys: KeyCache;
  accessTokens: AccessTokens;
  idTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshTokenIdleTtlMs: number;
  /** `--refresh-token-reuse-interval`: see `rotateRefreshToken`. */
  refreshTokenReuseIntervalMs: number;
  /** The refresh grant reads identities again from their connectors (see `refreshIdentity`). */
  connectors: RefreshIdentityDeps['connectors'];
  keySecrets: readonly Uint8Array[];
}

/**
 * One `grant_type` of the token endpoint: reads the form (the client is authenticated by
 * the grant itself, first), and returns the token response or throws an OAuthError.
 */
export type Grant = (req: WorkerRequest, deps: GrantDeps, log: Logger) => Promise<Record<string, unknown>>;
