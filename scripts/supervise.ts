import type { ChildProcess } from 'node:child_process';

/** The first restart waits this long; each quick death doubles it, up to `MAX_BACKOFF_MS`. */
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;
/** A child that ran this long before dying is restarted at once (the backoff starts over). */
const STABLE_AFTER_MS = 60_000;

export interface SupervisedChild {
  /** The running process (a new one after each restart). */
  current(): ChildProcess;
  /** Stops the child for good: no restart after this. */
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  /** Starts a new process of the child. */
  start(): ChildProcess;
  /** Called with each new process after a restart, once it is ready (for example healthy). */
  ready(child: ChildProcess): Promise<void>;
  /** One line for the operator: a death and each restart. */
  report(line: string): void;
}

function stopProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Keeps one child of `npm start` running: when it dies, it is started again (after 1 s, then
 * 2 s, 4 s ... up to 30 s while it keeps dying quickly), and the other children are left alone.
 * @example const worker = supervise({ name: 'worker', start: () => spawn(...), ready, report });
 */
export function supervise(first: ChildProcess, options: SuperviseOptions): SupervisedChild {
  let child = first;
  let stopping = false;
  let backoffMs = FIRST_BACKOFF_MS;
  let startedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;

  const watch = (proc: ChildProcess) => {
    proc.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= STABLE_AFTER_MS) backoffMs = FIRST_BACKOFF_MS;
      const how = signal === null ? `status ${code ?? 'none'}` : `signal ${signal}`;
      options.report(
        `dex-${options.name} stopped unexpectedly (${how}); restarting it in ${backoffMs / 1000} s (see .dex/${options.name}.log)`,
      );
      timer = setTimeout(restart, backoffMs);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    });
  };
  const restart = () => {
    timer = undefined;
    if (stopping) return;
    startedAt = Date.now();
    child = options.start();
    watch(child);
    options.ready(child).then(
      () => options.report(`dex-${options.name} is running again (pid ${child.pid ?? 'unknown'})`),
      (error: unknown) =>
        options.report(`dex-${options.name} did not come back: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  watch(first);
  return {
    current: () => child,
    async stop() {
      stopping = true;
      if (timer !== undefined) clearTimeout(timer);
      await stopProcess(child);
    },
  };
}
