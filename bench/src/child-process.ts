import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { REPO_ROOT } from '@dex/shared/testing';
import { childEnv } from './env.ts';

/** A server the bench started: `node <args>` in its own process group, stdout and stderr going to `logFile`. */
export interface ChildService {
  readonly name: string;
  readonly pid: number;
  /** `Date.now()` right before the process was spawned. */
  readonly spawnedAtMs: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves with the first JSON log line whose `msg` is `msg` (rejects if the process exits first or after the timeout). */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Polls `url` until it answers 200. */
  waitForHttp(url: string, timeoutMs?: number): Promise<void>;
  /** The last lines of the log, for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once the process exited. */
  stop(graceMs?: number): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 60_000;
const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Last resort when the bench dies without its cleanup: take every server's process group down. */
export function killAllChildren(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
}
process.on('exit', killAllChildren);

/**
 * Starts `node ...nodeArgs` from the repository root. The output goes to a file, never to a
 * pipe (a worker logs one line per request: a pipe nobody reads would stall it, and reading
 * it would cost the load generator CPU). `ipc` opens a message channel (child_process.fork style).
 */
export function startChild(options: { name: string; nodeArgs: readonly string[]; logFile: string; ipc?: boolean }): ChildService {
  const fd = openSync(options.logFile, 'a');
  const spawnedAtMs = Date.now();
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...options.nodeArgs], {
      cwd: REPO_ROOT,
      env: childEnv(),
      detached: true,
      stdio: options.ipc === true ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`${options.name}: could not start node ${options.nodeArgs.join(' ')}`);
  running.add(child);
  const pid = child.pid;
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`;
      running.delete(child);
      resolve();
    });
  });

  const readLog = () => {
    try {
      return readFileSync(options.logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const logTail = (lines = 40) => readLog().split('\n').slice(-lines).join('\n');
  const failure = (problem: string) =>
    new Error(`${options.name} (pid ${pid}) ${problem}\n--- end of ${options.logFile} ---\n${logTail()}\n---`);

  return {
    name: options.name,
    pid,
    spawnedAtMs,
    logFile: options.logFile,
    child,
    logTail,
    async waitForLog(msg, timeoutMs = STARTUP_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        for (const line of readLog().split('\n')) {
          if (!line.includes(msg)) continue;
          try {
            const record = JSON.parse(line) as Record<string, unknown>;
            if (record.msg === msg) return record;
          } catch {
            // not a JSON log line
          }
        }
        if (exited !== undefined) throw failure(`${exited} before logging "${msg}"`);
        await delay(50);
      }
      throw failure(`did not log "${msg}" within ${timeoutMs} ms`);
    },
    async waitForHttp(url, timeoutMs = STARTUP_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (exited !== undefined) throw failure(`${exited} before ${url} answered 200 (last: ${last})`);
        try {
          const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
          const body = await response.text();
          if (response.status === 200) return;
          last = `${response.status} ${body.slice(0, 200)}`;
        } catch (error) {
          last = error instanceof Error ? error.message : String(error);
        }
        await delay(100);
      }
      throw failure(`did not answer 200 at ${url} within ${timeoutMs} ms (last: ${last})`);
    },
    async stop(graceMs = 10_000) {
      if (exited === undefined) {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        await exitedPromise;
        clearTimeout(timer);
      }
      // The leader is gone; make sure nothing it started is left in its group.
      killGroup(child, 'SIGKILL');
    },
  };
}
