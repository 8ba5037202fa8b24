import { AppError, toAppError } from '#errors/index.ts';

/** Exit status for an error: 2 for bad flags or arguments (usage), 1 for everything else. */
export function exitCodeFor(error: unknown): number {
  return error instanceof AppError && error.code === 'INVALID_CONFIG' ? 2 : 1;
}

/**
 * The one line a program prints on stderr before exiting on an error, plus a pointer to
 * `--help` for usage errors. Never a stack trace.
 * @example formatFatal('dex-worker', error) // 'dex-worker: --db-url: is required\nRun "dex-worker --help" for usage.\n'
 */
export function formatFatal(program: string, error: unknown): string {
  const appError = toAppError(error);
  const hint = exitCodeFor(appError) === 2 ? `Run "${program} --help" for usage.\n` : '';
  return `${program}: ${appError.message}\n${hint}`;
}

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Runs a long-lived process: starts it, then stops it cleanly on SIGINT or SIGTERM, also
 * when the signal arrives while it is still starting (a second signal exits at once).
 * Resolves with the exit status.
 * @example process.exitCode = await runUntilSignal(() => startWorker(config), onFatal);
 */
export async function runUntilSignal(start: () => Promise<Stoppable>, onFatal: (error: unknown) => void): Promise<number> {
  let signalled!: () => void;
  const signal = new Promise<void>((resolve) => {
    signalled = resolve;
  });
  let received = 0;
  const onSignal = () => {
    received++;
    if (received > 1) process.exit(130);
    signalled();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let running: Stoppable;
    try {
      running = await start();
    } catch (error) {
      onFatal(error);
      return exitCodeFor(error);
    }
    await signal;
    try {
      await running.stop();
      return 0;
    } catch (error) {
      onFatal(error);
      return 1;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The whole of a server command (`dex-worker`, `dex-overlord`): read the invocation, print
 * help or version, or start and run until a signal; every failure is one line on stderr and
 * an exit status (2 usage, 1 runtime). Resolves with the status.
 * @example process.exitCode = await runServerCli({ program: 'dex-worker', read: () => readWorkerConfig(argv), start: startWorker });
 */
export async function runServerCli<C>(options: {
  program: string;
  read: () => { kind: 'run'; config: C } | { kind: 'help' | 'version'; text: string };
  start: (config: C) => Promise<Stoppable>;
}): Promise<number> {
  const fatal = (error: unknown) => process.stderr.write(formatFatal(options.program, error));
  let invocation: ReturnType<typeof options.read>;
  try {
    invocation = options.read();
  } catch (error) {
    fatal(error);
    return exitCodeFor(error);
  }
  if (invocation.kind !== 'run') {
    process.stdout.write(invocation.text);
    return 0;
  }
  const { config } = invocation;
  return runUntilSignal(() => options.start(config), fatal);
}
export { findUp } from './find-up.ts';
