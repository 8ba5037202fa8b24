import { Client } from 'undici';
import { ownCpuMs, processCpuMs } from './cpu-usage.ts';

/** One HTTP request of a load scenario (path includes the issuer path and any query). */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * What each connection sends. Connections are closed loops: one request at a time on one
 * keep-alive TCP connection, the next sent as soon as the previous answer is read.
 */
export interface LoadScenario<State> {
  name: string;
  /** Per-connection state, e.g. the refresh token chain that connection drives. */
  init(connection: number): State;
  request(state: State): LoadRequest;
  /**
   * Checks a 2xx answer and updates the state (e.g. keeps the rotated refresh token).
   * Returns false for a failed request. Without it the body is discarded unread.
   */
  onResponse?(state: State, body: string): boolean;
  /** A failed request ends its connection's loop (a broken refresh chain cannot go on). */
  stopOnFailure?: boolean;
}

export interface LoadOptions {
  /**
   * The servers' origins. With more than one (several worker processes, as behind a load
   * balancer), connection i goes to origins[i % n]: the client balances the connections.
   */
  origins: readonly string[];
  connections: number;
  /** Requests in this first part of the run are sent but not counted. */
  warmupMs: number;
  /** The measured window after the warm-up. */
  durationMs: number;
  /** The server processes' ids, to measure the CPU time they used in the window (summed). */
  serverPids?: readonly number[];
  /** Ends the run early (Ctrl-C). */
  signal?: AbortSignal;
}

export interface LoadResult {
  name: string;
  /** Successful answers completed within the measured window. */
  ok: number;
  /** Failed answers (non-2xx, refused by `onResponse`, or transport errors), warm-up included. */
  failed: number;
  /** Successful answers per second over the measured window. */
  rps: number;
  /** Latency percentiles of the successful answers in the window, in milliseconds (send to last body byte). */
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /**
   * CPU time used in the measured window, as a share of one core (1 = one core busy all the
   * time): the server processes (summed), and this load generator.
   */
  serverCpu: number;
  clientCpu: number;
  /** Server CPU milliseconds per successful answer: the cost of one request, less sensitive to a noisy machine than req/s. */
  serverCpuMsPerRequest: number;
  /** Connections whose loop ended early on a failure (refresh chains that broke). */
  stoppedConnections: number;
  /** The first failure seen, for the report. */
  firstFailure?: string;
  /** The body of one successful answer (only when the scenario reads bodies). */
  sampleBody?: string;
  /** The measured window on the monotonic clock (`process.hrtime`, microseconds): lines up with a --cpu-prof profile on Linux. */
  windowMicros: { from: number; to: number };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/**
 * Drives `scenario` with `connections` concurrent keep-alive connections for
 * `warmupMs + durationMs`. Throughput counts answers that complete inside the measured
 * window (so requests in flight at its edges do not bias it).
 */
export async function runLoad<State>(scenario: LoadScenario<State>, options: LoadOptions): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const end = measureFrom + options.durationMs;
  // performance.now() and process.hrtime share the monotonic clock, offset by this much.
  const hrtimeMicrosAtStart = Number(process.hrtime.bigint() / 1000n);
  const toHrtimeMicros = (at: number) => hrtimeMicrosAtStart + (at - start) * 1000;
  let sampleBody: string | undefined;
  // CPU snapshots at the window's edges (timers fire between requests, a little late under load).
  const serverPids = options.serverPids ?? [];
  const cpuAt = () => ({
    at: performance.now(),
    server: serverPids.length === 0 ? Number.NaN : serverPids.reduce((sum, pid) => sum + processCpuMs(pid), 0),
    client: ownCpuMs(),
  });
  let cpuFrom: ReturnType<typeof cpuAt> | undefined;
  let cpuTo: ReturnType<typeof cpuAt> | undefined;
  const fromTimer = setTimeout(() => {
    cpuFrom = cpuAt();
  }, options.warmupMs);
  const toTimer = setTimeout(() => {
    cpuTo = cpuAt();
  }, options.warmupMs + options.durationMs);
  const latencies: number[] = [];
  let failed = 0;
  let stoppedConnections = 0;
  let firstFailure: string | undefined;

  const connection = async (index: number) => {
    const origin = options.origins[index % options.origins.length];
    if (origin === undefined) throw new Error('runLoad: no origin');
    const client = new Client(origin, { pipelining: 1, keepAliveTimeout: 60_000 });
    const state = scenario.init(index);
    try {
      while (performance.now() < end && options.signal?.aborted !== true) {
        const request = scenario.request(state);
        const sentAt = performance.now();
        let ok = false;
        let problem = '';
        try {
          const response = await client.request({
            method: request.method,
            path: request.path,
            headers: request.headers ?? {},
            ...(request.body === undefined ? {} : { body: request.body }),
          });
          const is2xx = response.statusCode >= 200 && response.statusCode < 300;
          if (scenario.onResponse !== undefined || !is2xx) {
            const body = await response.body.text();
            ok = is2xx && (scenario.onResponse?.(state, body) ?? true);
            if (ok) sampleBody ??= body;
            if (!ok) problem = `${response.statusCode} ${body.slice(0, 300)}`;
          } else {
            await response.body.dump();
            ok = true;
          }
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
        }
        const doneAt = performance.now();
        const counted = doneAt >= measureFrom && doneAt <= end;
        if (ok) {
          if (counted) latencies.push(doneAt - sentAt);
        } else {
          failed++;
          firstFailure ??= problem;
          if (scenario.stopOnFailure === true) {
            stoppedConnections++;
            return;
          }
        }
      }
    } finally {
      await client.close().catch(() => client.destroy());
    }
  };

  await Promise.all(Array.from({ length: options.connections }, (_, index) => connection(index)));
  clearTimeout(fromTimer);
  clearTimeout(toTimer);
  cpuTo ??= cpuAt();
  const cpuWindowMs = cpuFrom === undefined ? Number.NaN : cpuTo.at - cpuFrom.at;
  const serverCpuMs = cpuFrom === undefined ? Number.NaN : cpuTo.server - cpuFrom.server;
  const clientCpuMs = cpuFrom === undefined ? Number.NaN : cpuTo.client - cpuFrom.client;
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((total, value) => total + value, 0);
  return {
    name: scenario.name,
    ok: latencies.length,
    failed,
    rps: (latencies.length * 1000) / options.durationMs,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    meanMs: latencies.length === 0 ? Number.NaN : sum / latencies.length,
    serverCpu: serverCpuMs / cpuWindowMs,
    clientCpu: clientCpuMs / cpuWindowMs,
    serverCpuMsPerRequest: (serverCpuMs / cpuWindowMs) * (options.durationMs / latencies.length),
    stoppedConnections,
    ...(firstFailure === undefined ? {} : { firstFailure }),
    ...(sampleBody === undefined ? {} : { sampleBody }),
    windowMicros: { from: toHrtimeMicros(measureFrom), to: toHrtimeMicros(end) },
  };
}
