import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@dex/shared/logging';
import { findUp } from '@dex/shared/process';

/** This repository's console workspace (the renderer's sources, its Vite config), from the sources or a bin's bundle alike. */
export const CONSOLE_SOURCE_DIR = join(
  findUp(import.meta.url, 'console/package.json') ?? resolve(fileURLToPath(new URL('../../..', import.meta.url))),
  'console',
);

/** The renderer's Vite config, relative to the console workspace. */
const RENDERER_CONFIG = 'vite.renderer.config.ts';

/** A build that takes longer than this is stopped and reported (a 2-core machine needs well under a minute). */
const BUILD_TIMEOUT_MS = 5 * 60_000;

/** Where the console renderer stands: served, being built, or not available (with the reason). */
export type ConsoleBuildState = { state: 'ready' } | { state: 'building' } | { state: 'failed'; reason: string };

export interface ConsoleBuild {
  /** What `/console/` should answer now. */
  current(): ConsoleBuildState;
  /** Settles when the build (if any) has ended, either way. */
  readonly done: Promise<void>;
  /** Stops a build still running (the overlord is stopping) and waits for it. */
  stop(): Promise<void>;
}

export interface EnsureConsoleBuiltOptions {
  /** Where the built renderer is served from (its `index.html`). */
  dir: string;
  /** The console workspace holding `vite.renderer.config.ts` (default: this repository's). */
  sourceDir?: string;
  logger: Logger;
}

/** Finds Vite's command the way the console workspace itself would resolve it, or explains why not. */
function resolveViteBin(sourceDir: string): string | { reason: string } {
  if (!existsSync(join(sourceDir, RENDERER_CONFIG))) return { reason: `no console sources at ${sourceDir}` };
  try {
    const require = createRequire(join(sourceDir, 'package.json'));
    return join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    return { reason: 'Vite is not installed (run npm install in the repository, with its dev dependencies)' };
  }
}

function runVite(options: { vite: string; sourceDir: string; outDir: string; signal: AbortSignal }): Promise<string | undefined> {
  return new Promise((resolveRun) => {
    const child = spawn(
      process.execPath,
      [options.vite, 'build', '--config', RENDERER_CONFIG, '--outDir', options.outDir, '--emptyOutDir', '--logLevel', 'error'],
      { cwd: options.sourceDir, stdio: ['ignore', 'ignore', 'pipe'], signal: options.signal },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolveRun(error.message);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveRun(undefined);
      else resolveRun(stderr.trim().split('\n').slice(-3).join(' ') || `vite exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
    });
  });
}

/**
 * Moves a finished build into place. Several overlords of one checkout may build at once:
 * each builds in its own directory, the first to finish wins and the others discard theirs.
 */
async function install(outDir: string, dir: string): Promise<void> {
  try {
    await rename(outDir, dir);
  } catch (error) {
    if (!existsSync(join(dir, 'index.html'))) throw error;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/**
 * Makes sure the console renderer exists: a fresh clone after `npm install` has its sources
 * but no build (`dist/` is not committed, and `npm ci` stays fast without a build in
 * postinstall). When `index.html` is missing, the renderer is built in the background with
 * the repository's own Vite (offline, a few seconds) while `/console/` says so; a present
 * build is served as it is. Without Vite (a production install without dev dependencies)
 * the state is `failed` with the reason, and `/console/` explains how to build it.
 * @example const build = ensureConsoleBuilt({ dir: DEFAULT_CONSOLE_DIR, logger });
 */
export function ensureConsoleBuilt(options: EnsureConsoleBuiltOptions): ConsoleBuild {
  const dir = resolve(options.dir);
  const nothingRunning = { done: Promise.resolve(), stop: () => Promise.resolve() };
  if (existsSync(join(dir, 'index.html'))) return { current: () => ({ state: 'ready' }), ...nothingRunning };
  const sourceDir = options.sourceDir ?? CONSOLE_SOURCE_DIR;
  const vite = resolveViteBin(sourceDir);
  if (typeof vite !== 'string') {
    options.logger.warn({ dir, reason: vite.reason }, 'the console is not built and cannot be built here');
    const failed: ConsoleBuildState = { state: 'failed', reason: vite.reason };
    return { current: () => failed, ...nothingRunning };
  }
  let state: ConsoleBuildState = { state: 'building' };
  const startedAt = Date.now();
  options.logger.info({ dir }, 'building the console renderer');
  const outDir = `${dir}.building-${process.pid}`;
  const abort = new AbortController();
  const done = runVite({ vite, sourceDir, outDir, signal: abort.signal })
    .then(async (failure) => {
      if (failure !== undefined) throw new Error(failure);
      await install(outDir, dir);
      state = { state: 'ready' };
      options.logger.info({ dir, ms: Date.now() - startedAt }, 'console renderer built');
    })
    .catch(async (error: unknown) => {
      await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      state = { state: 'failed', reason };
      options.logger.error({ dir, reason }, 'the console renderer did not build');
    });
  return {
    current: () => state,
    done,
    stop() {
      abort.abort();
      return done;
    },
  };
}
