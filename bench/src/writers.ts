import { dexctlWriterRound, runWriters, summarizeWrites, type WriteSummary } from '@dex/shared/testing';
import type { DexTarget } from './dex-service.ts';
import { runLoad } from './load.ts';
import { refreshTokenScenario } from './scenarios.ts';

export interface WritersUnderLoadOptions {
  /** Concurrent `dexctl --db-url` writers. */
  writers: number;
  /** Rounds per writer; a round runs each write command once (six processes). */
  rounds: number;
  /** Refresh token chains, one per keep-alive connection, with tokens fresh from logins. */
  tokens: readonly string[];
  /** Ends the run early (Ctrl-C). */
  signal: AbortSignal;
}

export interface WritersUnderLoadResult {
  writers: number;
  rounds: number;
  /** Per dexctl command, then `all`: runs, failures, process time, time in the database and waiting for the lock. */
  commands: WriteSummary[];
  /** The first failed command, for the report. */
  firstFailure?: string;
  /** Refresh grants answered while the writers ran. */
  refresh: { ok: number; failed: number; perSecond: number; p50Ms: number; p99Ms: number; stoppedChains: number; firstFailure?: string };
  elapsedMs: number;
}

/**
 * The embedded store's stress case (README "When to move to PostgreSQL"): one worker serves
 * rotating refresh-token chains back to back while `writers` loops run every dexctl write
 * command as a process of its own against the same database (new-client,
 * rotate-client-secret, create-user, disable-user, set-connector-configs, delete-client).
 * @example const result = await measureWritersUnderLoad(dex, { writers: 5, rounds: 2, tokens, signal });
 */
export async function measureWritersUnderLoad(dex: DexTarget, options: WritersUnderLoadOptions): Promise<WritersUnderLoadResult> {
  const stopLoad = new AbortController();
  const onAbort = () => stopLoad.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  // The load runs until the writers are done: a measured window longer than any run, ended by the signal.
  const load = runLoad(refreshTokenScenario(dex, options.tokens), {
    origins: [dex.origin],
    connections: options.tokens.length,
    warmupMs: 0,
    durationMs: 24 * 3_600_000,
    serverPids: [dex.worker.pid],
    signal: stopLoad.signal,
  });
  try {
    const writes = await runWriters({
      writers: options.writers,
      rounds: options.rounds,
      round: (tag) => dexctlWriterRound({ dbUrl: dex.dbUrl, tag }),
    });
    const elapsedMs = performance.now() - started;
    stopLoad.abort();
    const refresh = await load;
    const failed = writes.find((write) => !write.ok);
    return {
      writers: options.writers,
      rounds: options.rounds,
      commands: summarizeWrites(writes),
      ...(failed === undefined ? {} : { firstFailure: `${failed.name}: ${failed.problem ?? '?'}` }),
      refresh: {
        ok: refresh.ok,
        failed: refresh.failed,
        perSecond: (refresh.ok * 1000) / elapsedMs,
        p50Ms: refresh.p50Ms,
        p99Ms: refresh.p99Ms,
        stoppedChains: refresh.stoppedConnections,
        ...(refresh.firstFailure === undefined ? {} : { firstFailure: refresh.firstFailure }),
      },
      elapsedMs,
    };
  } finally {
    stopLoad.abort();
    options.signal.removeEventListener('abort', onAbort);
    await load.catch(() => undefined);
  }
}
