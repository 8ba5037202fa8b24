/**
 * Counts events per key in fixed windows (failed logins per email or client address, client
 * registrations per address) and blocks a key that reached the limit until its window ends. In memory, per worker: N workers allow
 * at most N times the limit, which still stops online guessing.
 */
export class FailureRateLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(options: { max: number; windowMs: number }) {
    this.#max = options.max;
    this.#windowMs = options.windowMs;
  }

  /** Whether the key has used up its failures for the current window. */
  isBlocked(key: string, now = Date.now()): boolean {
    const window = this.#windows.get(key);
    if (window === undefined) return false;
    if (window.resetAt <= now) {
      this.#windows.delete(key);
      return false;
    }
    return window.count >= this.#max;
  }

  /** How long until a blocked key's window ends (0 when it is not blocked). */
  retryAfterMs(key: string, now = Date.now()): number {
    const window = this.#windows.get(key);
    return window === undefined || !this.isBlocked(key, now) ? 0 : Math.max(0, window.resetAt - now);
  }

  recordFailure(key: string, now = Date.now()): void {
    const window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      this.#windows.set(key, { count: 1, resetAt: now + this.#windowMs });
      if (this.#windows.size > 10_000) this.#prune(now);
      return;
    }
    window.count++;
  }

  reset(key: string): void {
    this.#windows.delete(key);
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }
}
