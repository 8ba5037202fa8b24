import { randomBytes } from 'node:crypto';
import type { PrismaDb } from '#db/create-database.ts';
import { DEX_VERSION } from '#version.ts';
import { HEARTBEAT_INTERVAL_MS, removeHeartbeat, writeHeartbeat } from './write-heartbeat.ts';

/** What a process reports about itself at each beat. */
export interface HeartbeatSample {
  signingKeyId: string | null;
  publishedKeyIds: readonly string[];
  connectorHealth: Readonly<Record<string, string>>;
}

export interface StartHeartbeatOptions {
  kind: 'worker' | 'overlord';
  address: string;
  /** Reads what the process serves now; a failure skips that beat. */
  sample(): Promise<HeartbeatSample>;
  intervalMs?: number;
  /** A beat was written. */
  onWritten?(): void;
  /** A beat that could not be written (the database is unreachable): the process decides what to log. */
  onError?(error: unknown): void;
}

export interface RunningHeartbeat {
  readonly id: string;
  /** Ends the beats and removes the row: a clean stop is not a silent process. */
  stop(): Promise<void>;
}

/**
 * Writes the process's heartbeat now and every `intervalMs` (5 s) until stopped. Beats never
 * overlap: a slow database delays the next one instead of piling writes up.
 * @example const heartbeat = await startHeartbeat(db.prisma, { kind: 'worker', address, sample });
 */
export async function startHeartbeat(prisma: PrismaDb, options: StartHeartbeatOptions): Promise<RunningHeartbeat> {
  const id = `${options.kind}-${randomBytes(6).toString('hex')}`;
  const startedAt = new Date();
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let beating: Promise<void> = Promise.resolve();

  const beat = async () => {
    try {
      const sample = await options.sample();
      if (stopped) return;
      await writeHeartbeat(prisma, { id, kind: options.kind, version: DEX_VERSION, address: options.address, startedAt, ...sample });
      options.onWritten?.();
    } catch (error) {
      options.onError?.(error);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      beating = beat().then(schedule);
    }, intervalMs);
    timer.unref();
  };
  beating = beat();
  await beating;
  schedule();
  return {
    id,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await beating;
      await removeHeartbeat(prisma, id).catch((error: unknown) => options.onError?.(error));
    },
  };
}
