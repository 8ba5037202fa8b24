/**
 * The one place the bench reads the environment (biome's noProcessEnv allows env.ts files).
 */
export interface BenchEnv {
  /** A PostgreSQL server URL; when set, dex is also measured on PostgreSQL (a scratch database is created and dropped). */
  pgUrl: string | undefined;
  /**
   * Defaults for the bench's flags (`DEX_BENCH_CONNECTIONS`, `DEX_BENCH_DURATION`,
   * `DEX_BENCH_WARMUP`, `DEX_BENCH_SIGN_DURATION`, `DEX_BENCH_PROFILE`), handy because
   * `npm run bench -- --flag` at the root does not reach the workspace script.
   */
  connections: string | undefined;
  duration: string | undefined;
  warmup: string | undefined;
  signDuration: string | undefined;
  /** `DEX_BENCH_WORKERS`: worker processes for the extra multi-process rows (default 2; 1 skips them). */
  workers: string | undefined;
  /** `DEX_BENCH_WRITERS`: concurrent dexctl writers under refresh load (default 5; 0 skips them). */
  writers: string | undefined;
  /** `DEX_BENCH_WRITER_ROUNDS`: rounds of write commands per writer (default 2). */
  writerRounds: string | undefined;
  /** `DEX_BENCH_WORKER_NODE_FLAGS`: Node.js/V8 flags for the dex-worker processes, for A/B runs (`--max-semi-space-size=4`). */
  workerNodeFlags: string | undefined;
  profile: boolean;
}

export function readBenchEnv(env: NodeJS.ProcessEnv = process.env): BenchEnv {
  const text = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    pgUrl: text('DEX_BENCH_PG_URL'),
    connections: text('DEX_BENCH_CONNECTIONS'),
    duration: text('DEX_BENCH_DURATION'),
    warmup: text('DEX_BENCH_WARMUP'),
    signDuration: text('DEX_BENCH_SIGN_DURATION'),
    workers: text('DEX_BENCH_WORKERS'),
    writers: text('DEX_BENCH_WRITERS'),
    writerRounds: text('DEX_BENCH_WRITER_ROUNDS'),
    workerNodeFlags: text('DEX_BENCH_WORKER_NODE_FLAGS'),
    profile: ['1', 'true', 'yes'].includes(text('DEX_BENCH_PROFILE') ?? ''),
  };
}

/**
 * The environment for the servers the bench starts: the bench's own without dex settings
 * (`DEX_*` would configure the worker) or loader flags (`NODE_OPTIONS`).
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('DEX_') || name === 'NODE_OPTIONS') continue;
    clean[name] = value;
  }
  return clean;
}
