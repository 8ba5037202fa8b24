import type { PrismaDb } from '@dex/shared/db';
import { type KeySet, loadKeySet } from '@dex/shared/domain/keys';
import type { Logger } from '@dex/shared/logging';

export interface KeyCacheOptions {
  prisma: PrismaDb;
  secrets: readonly Uint8Array[];
  logger: Logger;
  /** Longest time a loaded key set is trusted before re-reading (default 60 s). */
  maxAgeMs?: number;
}

const NO_KEY_RETRY_MS = 1_000;

/**
 * The worker's view of the signing keys. Workers never generate keys: they read what the
 * overlord stored, keep it in memory, and re-read when it may have changed (the next
 * activation/retirement, at most `maxAgeMs` later, or on demand for an unknown kid).
 * Concurrent callers share one load.
 */
export class KeyCache {
  readonly #options: KeyCacheOptions;
  #current: KeySet | null = null;
  #refreshAt = 0;
  #loading: Promise<KeySet> | null = null;
  #jwks: { keySet: KeySet; body: string } | null = null;

  constructor(options: KeyCacheOptions) {
    this.#options = options;
  }

  /** The current key set, reloading it first when it may be stale. */
  async get(now = Date.now()): Promise<KeySet> {
    if (this.#current !== null && now < this.#refreshAt) return this.#current;
    return this.reload();
  }

  /** Re-reads the keys now (shared with any load already running). */
  reload(): Promise<KeySet> {
    if (this.#loading !== null) return this.#loading;
    const loading = loadKeySet(this.#options.prisma, { secrets: this.#options.secrets })
      .then((keySet) => {
        const now = Date.now();
        const maxAge = this.#options.maxAgeMs ?? 60_000;
        const changesIn = keySet.changesAt === null ? maxAge : keySet.changesAt.getTime() - now;
        this.#refreshAt = now + (keySet.active === null ? NO_KEY_RETRY_MS : Math.max(0, Math.min(maxAge, changesIn)));
        if (keySet.active?.kid !== this.#current?.active?.kid) {
          this.#options.logger.info({ kid: keySet.active?.kid ?? null, published: keySet.published.length }, 'signing keys loaded');
        }
        this.#current = keySet;
        return keySet;
      })
      .finally(() => {
        this.#loading = null;
      });
    this.#loading = loading;
    return loading;
  }

  /** The JWKS document (`{ keys }`) of a key set, serialized once per key set. */
  jwksJson(keySet: KeySet): string {
    if (this.#jwks?.keySet !== keySet) this.#jwks = { keySet, body: JSON.stringify({ keys: keySet.published }) };
    return this.#jwks.body;
  }

  /** Seconds a client may cache the JWKS: until the key set may next change, at most an hour. */
  cacheSeconds(now = Date.now()): number {
    return Math.max(0, Math.min(3_600, Math.floor((this.#refreshAt - now) / 1_000)));
  }
}
