/**
 * Counts events per key (client registrations per client address) in fixed windows and blocks
 * a key that reached the limit until its window ends. In memory, per worker: N workers allow
 * at most N times the limit, which still stops a flood of registrations from one address.
 */
export class WindowCounter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();

  constructor(options: { max: number; windowMs: number }) {
    this.#max = options.max;
    this.#windowMs = options.windowMs;
  }

  /** How long until the key's window ends while it has used up its events; 0 when it may go on. */
  blockedForMs(key: string, now = Date.now()): number {
    const window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) return 0;
    return window.count >= this.#max ? window.resetAt - now : 0;
  }

  record(key: string, now = Date.now()): void {
    const window = this.#windows.get(key);
    if (window === undefined || window.resetAt <= now) {
      this.#windows.set(key, { count: 1, resetAt: now + this.#windowMs });
      if (this.#windows.size > 10_000) this.#prune(now);
      return;
    }
    window.count++;
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }
}
