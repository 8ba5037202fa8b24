import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, REPO_ROOT } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `npm start` as a developer runs it (scripts/start.ts), in its own data directory and on free ports. */
interface NpmStart {
  readonly child: ChildProcess;
  output(): string;
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
}

function runNpmStart(env: Record<string, string>): NpmStart {
  const inherited: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('DEX_') && name !== 'NODE_OPTIONS') inherited[name] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: REPO_ROOT,
    env: { ...inherited, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
  });
  return {
    child,
    output: () => text,
    async waitForOutput(wanted, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(wanted)) {
        if (Date.now() > deadline) throw new Error(`npm start did not print "${wanted}" within ${timeoutMs} ms:\n${text}`);
        if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before printing "${wanted}":\n${text}`);
        await delay(100);
      }
    },
  };
}

async function status(url: string): Promise<number | string> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function waitForStatus(url: string, wanted: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: number | string = 'none';
  while (Date.now() < deadline) {
    last = await status(url);
    if (last === wanted) return;
    await delay(200);
  }
  throw new Error(`${url} did not answer ${wanted} within ${timeoutMs} ms (last: ${last})`);
}

const pidOf = (dir: string, name: string) => Number(readFileSync(join(dir, `${name}.pid`), 'utf8').trim());

describe('npm start keeps both processes up', () => {
  let dir: string;
  let start: NpmStart;
  let workerHealth: string;
  let overlordHealth: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dex-start-'));
    const workerOrigin = `http://127.0.0.1:${await freePort()}`;
    const adminOrigin = `http://127.0.0.1:${await freePort()}`;
    workerHealth = `${workerOrigin}/dex/health`;
    overlordHealth = `${adminOrigin}/health`;
    start = runNpmStart({
      DEX_START_DIR: dir,
      DEX_START_WORKER_LISTEN: workerOrigin,
      DEX_START_ADMIN_LISTEN: adminOrigin,
      DEX_START_BUILD_CONSOLE: 'false',
    });
    await start.waitForOutput('Press Ctrl-C to stop.', 120_000);
  }, 150_000);
  afterAll(async () => {
    if (start?.child.pid !== undefined && start.child.exitCode === null) {
      process.kill(-start.child.pid, 'SIGKILL');
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a worker that dies while the overlord keeps serving', async () => {
    const first = pidOf(dir, 'worker');
    process.kill(first, 'SIGKILL');
    await start.waitForOutput('dex-worker stopped unexpectedly (signal SIGKILL); restarting it', 10_000);
    expect(await status(overlordHealth)).toBe(200);
    await start.waitForOutput('dex-worker is running again', 60_000);
    expect(pidOf(dir, 'worker')).not.toBe(first);
    expect(await status(workerHealth)).toBe(200);
    expect(await status(overlordHealth)).toBe(200);
  }, 90_000);

  it('restarts an overlord that dies while the worker keeps serving', async () => {
    const first = pidOf(dir, 'overlord');
    process.kill(first, 'SIGKILL');
    await start.waitForOutput('dex-overlord stopped unexpectedly (signal SIGKILL); restarting it', 10_000);
    expect(await status(workerHealth)).toBe(200);
    await waitForStatus(overlordHealth, 200, 60_000);
    expect(pidOf(dir, 'overlord')).not.toBe(first);
    expect(await status(workerHealth)).toBe(200);
  }, 90_000);

  it('stops both on Ctrl-C', async () => {
    const worker = pidOf(dir, 'worker');
    const overlord = pidOf(dir, 'overlord');
    const exited = new Promise<number | null>((resolve) => start.child.once('exit', (code) => resolve(code)));
    start.child.kill('SIGINT');
    expect(await exited).toBe(0);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(worker)).toBe(false);
    expect(alive(overlord)).toBe(false);
    expect(start.output()).not.toContain('did not come back');
  }, 30_000);
});
