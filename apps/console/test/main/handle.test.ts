import { AppError } from '@dex/shared/errors';
import { describe, expect, it } from 'vitest';
import { createIpcHandlerRegistry, createTrustedWebContents, type InvokeEvent, type IpcMainRegistrar } from '#main/ipc/handle.ts';
import { isAppUrl } from '#main/window/navigation-rules.ts';
import { createRecordingLogger } from './support/recording-logger.ts';

type Listener = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** A successful bridge answer. */
const ok = <T>(data: T) => ({ ok: true as const, data });

const APP_URL = 'app://console/index.html#/clients';
const WINDOW_ID = 7;

/** An in-memory ipcMain: `invoke` plays the renderer side. */
function createFakeIpcMain() {
  const listeners = new Map<string, Listener>();
  const ipc: IpcMainRegistrar = {
    handle: (channel, listener) => {
      if (listeners.has(channel)) throw new Error(`second handler for ${channel}`);
      listeners.set(channel, listener);
    },
    removeHandler: (channel) => {
      listeners.delete(channel);
    },
  };
  return {
    ipc,
    listeners,
    invoke(channel: string, args: unknown[], event: InvokeEvent = { sender: { id: WINDOW_ID }, senderFrame: { url: APP_URL } }) {
      const listener = listeners.get(channel);
      if (listener === undefined) throw new Error(`no handler for ${channel}`);
      return listener(event, ...args);
    },
  };
}

function setup() {
  const fake = createFakeIpcMain();
  const logger = createRecordingLogger();
  const trusted = createTrustedWebContents();
  trusted.add(WINDOW_ID);
  const registry = createIpcHandlerRegistry({
    ipc: fake.ipc,
    logger,
    trust: { hasWebContents: (id) => trusted.has(id), isTrustedFrameUrl: isAppUrl },
  });
  return { ...fake, logger, trusted, registry };
}

describe('handle()', () => {
  it('passes checked arguments to the handler and answers with its result', async () => {
    const { registry, invoke } = setup();
    const calls: unknown[][] = [];
    registry.handle('clients.update', async (...args) => {
      calls.push(args);
      return ok({ id: args[0] } as never);
    });
    expect(await invoke('clients.update', ['web-app', { name: 'Web app' }])).toEqual({ ok: true, data: { id: 'web-app' } });
    expect(calls).toEqual([['web-app', { name: 'Web app' }]]);
  });

  it('accepts an omitted optional query', async () => {
    const { registry, invoke } = setup();
    registry.handle('clients.list', async (query) => ok({ items: [], total: 0, nextCursor: query?.cursor ?? null }));
    expect(await invoke('clients.list', [])).toMatchObject({ ok: true });
    expect(await invoke('clients.list', [undefined])).toMatchObject({ ok: true });
    expect(await invoke('clients.list', [{ q: 'web', limit: 20, cursor: 'abc' }])).toMatchObject({ ok: true, data: { nextCursor: 'abc' } });
  });

  it('refuses an unknown WebContents with FORBIDDEN, without calling the handler or logging the arguments', async () => {
    const { registry, invoke, logger } = setup();
    let called = false;
    registry.handle('profiles.save', async () => {
      called = true;
      return ok({ id: 'x', name: 'x', baseUrl: 'https://a.example' });
    });
    const payload = { name: 'evil', baseUrl: 'https://attacker.example', secret: 'c3RvbGVuLXNlY3JldA==' };
    const answer = await invoke('profiles.save', [payload], { sender: { id: 99 }, senderFrame: { url: APP_URL } });
    expect(answer).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'this window may not use the console bridge' } });
    expect(called).toBe(false);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        fields: { channel: 'profiles.save', senderId: 99, senderOrigin: 'app://console' },
        message: 'refused IPC from an untrusted sender',
      },
    ]);
    expect(logger.text()).not.toContain('c3RvbGVuLXNlY3JldA==');
  });

  it('refuses a trusted window whose frame shows another origin, or whose frame is gone', async () => {
    const { registry, invoke, trusted } = setup();
    registry.handle('keys.rotate', async () => ok({ rotated: true } as never));
    const forbidden = { ok: false, error: { code: 'FORBIDDEN', message: 'this window may not use the console bridge' } };
    expect(await invoke('keys.rotate', [], { sender: { id: WINDOW_ID }, senderFrame: { url: 'https://attacker.example/' } })).toEqual(
      forbidden,
    );
    expect(await invoke('keys.rotate', [], { sender: { id: WINDOW_ID }, senderFrame: null })).toEqual(forbidden);
    trusted.delete(WINDOW_ID);
    expect(await invoke('keys.rotate', [])).toEqual(forbidden);
  });

  it('answers BAD_REQUEST naming the argument when the arguments do not match the schema', async () => {
    const { registry, invoke } = setup();
    registry.handle('clients.get', async () => ok({} as never));
    registry.handle('clients.create', async () => ok({} as never));
    registry.handle('clients.list', async () => ok({} as never));

    expect(await invoke('clients.get', [42])).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'clients.get: argument 1: id must be a non-empty string of at most 255 characters' },
    });
    expect(await invoke('clients.get', [])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await invoke('clients.get', ['a', 'b'])).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'clients.get: wrong number of arguments' },
    });
    expect(await invoke('clients.create', [{ redirectUris: 'https://a.example/cb' }])).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'clients.create: argument 1 (redirectUris): redirectUris must be an array of strings' },
    });
    expect(await invoke('clients.list', [{ limit: 1000 }])).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'clients.list: argument 1 (limit): limit must be an integer from 1 to 100' },
    });
    expect(await invoke('clients.list', [{ limit: '10' }])).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('answers an AppError with its code and user message', async () => {
    const { registry, invoke } = setup();
    registry.handle('clients.remove', async () => {
      throw new AppError('NOT_FOUND', { message: 'client web-app not found' });
    });
    expect(await invoke('clients.remove', ['web-app'])).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'client web-app not found' },
    });
  });

  it('answers an unexpected error as INTERNAL without its message or stack, and logs it in main', async () => {
    const { registry, invoke, logger } = setup();
    registry.handle('keys.list', async () => {
      throw new TypeError('Cannot read properties of undefined (reading "secret") at /opt/dex/main.js:10');
    });
    const answer = await invoke('keys.list', []);
    expect(answer).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'the console hit an unexpected error; details are in its log' },
    });
    expect(JSON.stringify(answer)).not.toMatch(/main\.js|at |TypeError/);
    expect(logger.entries).toMatchObject([
      { level: 'error', fields: { channel: 'keys.list' }, message: 'IPC handler failed unexpectedly' },
    ]);
  });

  it('hides the details of a 5xx AppError', async () => {
    const { registry, invoke } = setup();
    registry.handle('keys.list', async () => {
      throw new AppError('INTERNAL', { message: 'connection to 10.0.0.5 refused' });
    });
    expect(await invoke('keys.list', [])).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal server error' } });
  });

  it('allows one handler per channel and removes them all on dispose', () => {
    const { registry, listeners } = setup();
    registry.handle('keys.list', async () => ok({ keys: [] } as never));
    expect(() => registry.handle('keys.list', async () => ok({ keys: [] } as never))).toThrow(/already has a handler/);
    registry.dispose();
    expect(listeners.size).toBe(0);
  });
});
