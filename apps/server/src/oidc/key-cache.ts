import type { PrismaDb } from '@dex/shared/db';
import { jwksMaxAgeSeconds, KEY_CHECK_INTERVAL_MS, type KeySet, loadKeySet, readSigningKeyChain } from '@dex/shared/domain/keys';
import type { Logger } from '@dex/shared/logging';

export interface KeyCacheOptions {
  prisma: PrismaDb;
  secrets: readonly Uint8Array[];
  logger: Logger;
  /** How often, at most, the keys' change marker is read (default 1 s). */
  checkEveryMs?: number;
  /** Longest time a loaded key set is kept without re-reading it, marker or not (default 60 s). */
  maxAgeMs?: number;
}

const NO_KEY_RETRY_MS = 1_000;

/**
 * The worker's view of the signing keys. Workers never generate keys: they read what the
 * overlord stored and keep it in memory. While the worker serves requests it reads the keys'
 * change marker (one row) at most every `checkEveryMs`, and re-reads the keys when the marker
 * moved, when the set changes by the clock (the next activation, retirement or expiry), after
 * `maxAgeMs` at the latest, or on demand for an unknown kid. So a change the overlord commits
 * is in every serving worker's JWKS within about `checkEveryMs`; the overlord's publish delay
 * is what makes that enough for no worker to sign with a key another does not publish.
 * Concurrent callers share one check.
 */
export class KeyCache {
  readonly #options: KeyCacheOptions;
  #current: KeySet | null = null;
  /** The marker's version the current set was read at. */
  #version = -1;
  /** The overlord's publish delay, as the marker last said. */
  #publishDelayMs: number | null = null;
  #refreshAt = 0;
  #checkedAt = 0;
  #checking: Promise<KeySet> | null = null;
  #isCheckFailing = false;
  #jwks: { keySet: KeySet; body: string } | null = null;

  constructor(options: KeyCacheOptions) {
    this.#options = options;
  }

  /** The current key set, checking the marker first when the last check is older than `checkEveryMs`. */
  async get(now = Date.now()): Promise<KeySet> {
    const checkEvery = this.#options.checkEveryMs ?? KEY_CHECK_INTERVAL_MS;
    if (this.#current !== null && now < this.#refreshAt && now - this.#checkedAt < checkEvery) return this.#current;
    return this.#check(false);
  }

  /** Re-reads the keys now (shared with any check already running). */
  reload(): Promise<KeySet> {
    return this.#check(true);
  }

  #check(force: boolean): Promise<KeySet> {
    this.#checking ??= this.#checkMarker(force).finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  async #checkMarker(force: boolean): Promise<KeySet> {
    const { prisma, logger } = this.#options;
    let version: number;
    try {
      const marker = await readSigningKeyChain(prisma);
      version = marker.version;
      this.#publishDelayMs = marker.publishDelayMs;
    } catch (error) {
      // A database hiccup: the loaded set stays right until its next change by the clock.
      if (force || this.#current === null || Date.now() >= this.#refreshAt) throw error;
      if (!this.#isCheckFailing) logger.warn({ err: error }, 'cannot check the signing keys for changes; serving the loaded ones');
      this.#isCheckFailing = true;
      this.#checkedAt = Date.now();
      return this.#current;
    }
    this.#isCheckFailing = false;
    this.#checkedAt = Date.now();
    if (!force && this.#current !== null && version === this.#version && this.#checkedAt < this.#refreshAt) return this.#current;
    return this.#load(version);
  }

  /** Reads the keys; the marker was read first, so a change committed in between is read again at the next check. */
  async #load(version: number): Promise<KeySet> {
    const keySet = await loadKeySet(this.#options.prisma, { secrets: this.#options.secrets });
    const now = Date.now();
    const maxAge = this.#options.maxAgeMs ?? 60_000;
    const changesIn = keySet.changesAt === null ? maxAge : keySet.changesAt.getTime() - now;
    this.#refreshAt = now + (keySet.active === null ? NO_KEY_RETRY_MS : Math.max(0, Math.min(maxAge, changesIn)));
    const published = keySet.published.map((key) => key.kid);
    const before = this.#current?.published.map((key) => key.kid) ?? [];
    if (keySet.active?.kid !== this.#current?.active?.kid || published.join() !== before.join()) {
      this.#options.logger.info({ kid: keySet.active?.kid ?? null, published, version }, 'signing keys loaded');
    }
    this.#current = keySet;
    this.#version = version;
    return keySet;
  }

  /** The JWKS document (`{ keys }`) of a key set, serialized once per key set. */
  jwksJson(keySet: KeySet): string {
    if (this.#jwks?.keySet !== keySet) this.#jwks = { keySet, body: JSON.stringify({ keys: keySet.published }) };
    return this.#jwks.body;
  }

  /**
   * Seconds a relying party may cache the JWKS: what the overlord's publish delay leaves once
   * the workers' polling and margin are taken out, so a copy cached just before a new key
   * was published expires before that key signs. 0 while no key signs (the first key signs
   * as soon as it exists) or before an overlord recorded its delay.
   */
  cacheSeconds(): number {
    if (this.#current?.active == null) return 0;
    return jwksMaxAgeSeconds(this.#publishDelayMs);
  }
}
