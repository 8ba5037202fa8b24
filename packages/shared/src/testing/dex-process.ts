import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The repository's bin scripts, runnable with `node`. */
export const DEX_BINS = {
  worker: join(REPO_ROOT, 'apps/server/bin/dex-worker.js'),
  overlord: join(REPO_ROOT, 'apps/overlord/bin/dex-overlord.js'),
  dexctl: join(REPO_ROOT, 'apps/console/bin/dexctl.js'),
} as const;

export interface DexProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM and waits for the exit (SIGKILL after 10 s). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `dex-worker` or `dex-overlord` as a real process and waits until it logs `readyMessage`
 * (for example `worker listening`). Fails with the process output if it exits first or does
 * not become ready in time.
 * @example const overlord = await startDexProcess('overlord', ['--db-url', url, ...], 'admin API listening');
 */
export async function startDexProcess(
  bin: keyof typeof DEX_BINS,
  args: readonly string[],
  readyMessage: string,
  options: { timeoutMs?: number; env?: Readonly<Record<string, string>> } = {},
): Promise<DexProcess> {
  const child = spawn(process.execPath, [DEX_BINS[bin], ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} did not log "${readyMessage}" within ${options.timeoutMs ?? 30_000} ms:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(`"msg":"${readyMessage}"`)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
