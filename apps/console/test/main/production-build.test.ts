import { builtinModules } from 'node:module';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '#shared/ipc-contract.ts';

/*
 * The production builds of main and preload (the same Vite configs as `npm run build`, into a
 * temporary directory): what they import, and that the preload works as a sandboxed preload
 * must, a single CommonJS file whose only `require` is `electron`.
 */

const consoleRoot = new URL('../../', import.meta.url);
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'dex-console-build-'));
  for (const [config, directory] of [
    ['vite.main.config.ts', 'main'],
    ['vite.preload.config.ts', 'preload'],
  ] as const) {
    await build({
      configFile: new URL(config, consoleRoot).pathname,
      logLevel: 'silent',
      build: { outDir: join(out, directory), emptyOutDir: true },
    });
  }
}, 120_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

describe('production build', () => {
  it('bundles main into one ES module importing only electron and Node built-ins', async () => {
    expect((await readdir(join(out, 'main'))).sort()).toEqual(['index.js', 'index.js.map']);
    const code = await readFile(join(out, 'main', 'index.js'), 'utf8');
    const imported = [...code.matchAll(/^import .* from "([^"]+)";$/gm), ...code.matchAll(/__require\("([^"]+)"\)/g)].map(
      (match) => match[1],
    );
    const foreign = imported.filter((name) => name !== 'electron' && !BUILTINS.has(name ?? ''));
    expect(foreign).toEqual([]);
    expect(imported).toContain('electron');
    expect(code).not.toMatch(/from "(zod|pino|@dex\/shared[^"]*)"/);
  });

  it('bundles the preload into one small CommonJS file that exposes the frozen bridge', async () => {
    expect((await readdir(join(out, 'preload'))).sort()).toEqual(['index.cjs', 'index.cjs.map']);
    const code = await readFile(join(out, 'preload', 'index.cjs'), 'utf8');
    expect([...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1])).toEqual(['electron']);
    expect(code).not.toMatch(/^import /m);
    expect(code.length).toBeLessThan(20_000);

    const exposed = new Map<string, unknown>();
    const invoked: { channel: string; args: unknown[] }[] = [];
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
      ipcRenderer: {
        invoke: async (channel: string, ...args: unknown[]) => {
          invoked.push({ channel, args });
          return { ok: true, data: channel };
        },
      },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      require: (name: string) => {
        if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
        return electron;
      },
      module,
      exports: module.exports,
      Object,
      Promise,
    });

    expect([...exposed.keys()]).toEqual(['consoleApi']);
    const api = exposed.get('consoleApi') as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
    expect(Object.isFrozen(api)).toBe(true);
    const methods = Object.entries(api).flatMap(([namespace, value]) =>
      typeof value === 'object' ? Object.keys(value).map((method) => `${namespace}.${method}`) : [],
    );
    expect(methods.sort()).toEqual([...IPC_CHANNELS].sort());
    expect(await api.clients?.get?.('web-app')).toEqual({ ok: true, data: 'clients.get' });
    expect(invoked).toEqual([{ channel: 'clients.get', args: ['web-app'] }]);
  });
});
