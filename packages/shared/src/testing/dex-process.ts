import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { passwordHashingEnv } from './test-password-hashing.ts';

/** The monorepo root: the services are started from here, as a developer would. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The repository's bin scripts, runnable with `node`. */
export const DEX_BINS = {
  worker: join(REPO_ROOT, 'apps/server/bin/dex-worker.js'),
  overlord: join(REPO_ROOT, 'apps/overlord/bin/dex-overlord.js'),
  dexctl: join(REPO_ROOT, 'apps/console/bin/dexctl.js'),
} as const;

/** How long a service may take to answer `/health` before the suite gives up. */
export const STARTUP_TIMEOUT_MS = 30_000;

const MAX_KEPT_LINES = 400;

/** A dex program running as a child process in its own process group. */
export interface Service {
  readonly name: string;
  readonly pid: number;
  /** The service's stdout and stderr so far (the last few hundred lines). */
  output(): string;
  /** Resolves with the first JSON log line whose `msg` is `msg` (rejects if the process exits first). */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Polls `url` until it answers 200 (rejects with the process output after the timeout). */
  waitForHealth(url: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM to the whole process group, SIGKILL after a grace period; resolves with the exit code once it exited. */
  stop(): Promise<number | null>;
  /** Resolves with the exit code once the process exited by itself (or was signalled by the test). */
  waitForExit(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the test worker dies without teardown, still take the process groups down with it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * An environment for the children without the caller's dex settings or loader flags, but with
 * its password hashing choice (`useInsecureTestPasswordHashing`).
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('DEX_') || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return { ...env, ...passwordHashingEnv() };
}

/**
 * Starts `node <script> ...args` from the repository root as the leader of a new process
 * group, collecting its output for error messages.
 * @example const worker = startService({ name: 'dex-worker', script: 'apps/server/bin/dex-worker.js', args });
 */
export function startService(options: { name: string; script: string; args: readonly string[] }): Service {
  installExitHook();
  const lines: string[] = [];
  const child = spawn(process.execPath, [options.script, ...options.args], {
    cwd: REPO_ROOT,
    env: childEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.on('error', (error) => lines.push(`[spawn] ${error.message}`));
  if (child.pid === undefined) throw new Error(`${options.name}: could not start node ${options.script}`);
  running.add(child);
  const pid = child.pid;

  const listeners = new Set<(line: string) => void>();
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitListeners = new Set<() => void>();
  const keep = (stream: 'stdout' | 'stderr', line: string) => {
    lines.push(stream === 'stderr' ? `[stderr] ${line}` : line);
    if (lines.length > MAX_KEPT_LINES) lines.shift();
    for (const listener of listeners) listener(line);
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    let partial = '';
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim() !== '') keep(stream, line);
    });
    child[stream]?.on('end', () => {
      if (partial.trim() !== '') keep(stream, partial);
      partial = '';
    });
  }
  // 'close' rather than 'exit': it comes after the last output, which error messages need.
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      for (const listener of exitListeners) listener();
      resolve();
    });
  });

  const output = () => lines.join('\n');
  const exitCode = (): number | null => exited?.code ?? null;
  const failure = (problem: string) =>
    new Error(`${options.name} (pid ${pid}) ${problem}\n--- output of ${options.name} ---\n${output() || '(none)'}\n---`);
  const describeExit = () => `exited early (code ${exited?.code ?? 'none'}, signal ${exited?.signal ?? 'none'})`;

  return {
    name: options.name,
    pid,
    output,
    waitForLog(msg, timeoutMs = STARTUP_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(onLine);
          exitListeners.delete(onExit);
        };
        const onLine = (line: string) => {
          let record: unknown;
          try {
            record = JSON.parse(line);
          } catch {
            return;
          }
          if (typeof record === 'object' && record !== null && (record as { msg?: unknown }).msg === msg) {
            cleanup();
            resolve(record as Record<string, unknown>);
          }
        };
        const onExit = () => {
          cleanup();
          reject(failure(`${describeExit()} before logging "${msg}"`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(failure(`did not log "${msg}" within ${timeoutMs} ms`));
        }, timeoutMs);
        for (const line of lines) onLine(line);
        if (exited !== undefined) onExit();
        else {
          listeners.add(onLine);
          exitListeners.add(onExit);
        }
      });
    },
    async waitForHealth(url, timeoutMs = STARTUP_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      while (Date.now() < deadline) {
        if (exited !== undefined) throw failure(`${describeExit()} before ${url} answered 200 (last: ${last})`);
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
    async waitForExit() {
      await exitedPromise;
      return exitCode();
    },
    async stop() {
      if (exited !== undefined) return exited.code;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exitedPromise;
      clearTimeout(timer);
      // The leader is gone; make sure nothing it started is left in its group.
      killGroup(child, 'SIGKILL');
      return exitCode();
    },
  };
}

/**
 * Starts `dex-worker`, `dex-overlord` or `dexctl` from the repository's bins and waits until
 * it logs `readyMessage` (for example `worker listening`).
 * @example const overlord = await startDexProcess('overlord', ['--db-url', url, ...], 'admin API listening');
 */
export async function startDexProcess(bin: keyof typeof DEX_BINS, args: readonly string[], readyMessage: string): Promise<Service> {
  const service = startService({ name: `dex-${bin}`, script: DEX_BINS[bin], args });
  try {
    await service.waitForLog(readyMessage);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}
