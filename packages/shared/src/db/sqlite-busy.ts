import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How long a write keeps trying while other processes hold SQLite's write lock. Writers hold
 * it for milliseconds (see `createDatabase`), so reaching this means something is stuck.
 */
export const SQLITE_BUSY_DEADLINE_MS = 10_000;

/** A property of an object, or undefined. */
function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value ? (value as Record<string, unknown>)[name] : undefined;
}

/**
 * Whether an error is SQLite's `SQLITE_BUSY` (or one of its extended codes, such as
 * `SQLITE_BUSY_SNAPSHOT`): another connection holds the lock the statement needs, and the
 * statement did nothing. The code comes from better-sqlite3 (`code`), from Prisma's driver
 * adapter (which reports it as `SocketTimeout` and keeps it as `cause.originalCode`), or from
 * the Prisma client (`P1008` "Operation has timed out", the adapter's error in `meta`).
 * @example if (isSqliteBusy(error)) retry();
 */
export function isSqliteBusy(error: unknown): boolean {
  const adapterError = field(field(error, 'meta'), 'driverAdapterError') ?? error;
  const codes = [field(error, 'code'), field(field(adapterError, 'cause'), 'originalCode')];
  return codes.some((code) => typeof code === 'string' && code.startsWith('SQLITE_BUSY'));
}

export interface RetryWhileBusyOptions {
  /** How long to keep trying (default {@link SQLITE_BUSY_DEADLINE_MS}). */
  deadlineMs?: number;
  /** Told how long `run` waited in all, once it is done, if it had to wait at all. */
  onWaited?: (waitedMs: number) => void;
}

/**
 * Runs `run`; while it fails with `SQLITE_BUSY`, waits a few milliseconds on a timer (the event
 * loop stays free, unlike SQLite's own `busy_timeout`, which sleeps on the calling thread) and
 * tries again, until `deadlineMs` have passed. Only for work that a busy error leaves undone:
 * one statement outside a transaction, or the `BEGIN IMMEDIATE` that opens one.
 * @example const rows = await retryWhileBusy(() => statement.all());
 */
export async function retryWhileBusy<T>(run: () => T | Promise<T>, options: RetryWhileBusyOptions = {}): Promise<T> {
  const started = Date.now();
  const deadline = started + (options.deadlineMs ?? SQLITE_BUSY_DEADLINE_MS);
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await run();
      if (attempt > 0) options.onWaited?.(Date.now() - started);
      return result;
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() >= deadline) {
        if (attempt > 0) options.onWaited?.(Date.now() - started);
        throw error;
      }
      // 1, 3, 5, ... ms, then every 50 ms, with jitter so that waiting processes do not retry in step.
      await sleep(Math.min(50, 1 + attempt * 2) + Math.random() * 2);
    }
  }
}
