import type { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS } from '#shared/ipc-contract.ts';
import { createAesGcmCipher } from './support/aes-gcm-cipher.ts';

/*
 * The thin Electron shell (src/main/index.ts) cannot run here: there is no Electron binary.
 * This test runs it in Node against a stand-in `electron` module that records what the shell
 * asks of Electron, to check the wiring: scheme registration before `ready`, the window's
 * options and URL, one IPC handler per channel with the sender check, the navigation rules on
 * every WebContents, and profiles saved encrypted under userData.
 */

const fake = vi.hoisted(() => {
  // vi.hoisted runs before imports: only what is required here is available.
  const { EventEmitter: Emitter } = require('node:events') as typeof import('node:events');
  const state = {
    isReady: false,
    markReady: (): void => undefined,
    paths: new Map<string, string>(),
    privilegedSchemes: [] as { scheme: string; privileges: Record<string, boolean>; beforeReady: boolean }[],
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    ipcHandlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
    windows: [] as FakeWindowShape[],
    openedExternally: [] as string[],
    permissionRequestHandler: null as null | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
    menuSet: false,
    cipher: null as null | {
      encrypt(text: string): Promise<Buffer>;
      decrypt(data: Buffer): Promise<string>;
    },
  };
  interface FakeWindowShape {
    options: Record<string, unknown>;
    webContents: InstanceType<typeof Emitter> & {
      id: number;
      windowOpenHandler: ((details: { url: string }) => { action: string }) | null;
    };
    loadedUrl: string | null;
    shown: boolean;
    focused: boolean;
    emit(event: string, ...args: unknown[]): boolean;
  }
  const readyPromise = new Promise<void>((resolve) => {
    state.markReady = () => {
      state.isReady = true;
      resolve();
    };
  });
  let nextWebContentsId = 41;

  const app = Object.assign(new Emitter(), {
    setName: () => undefined,
    getName: () => 'dex console',
    getPath: (name: string) => {
      const path = state.paths.get(name);
      if (path === undefined) throw new Error(`no path ${name}`);
      return path;
    },
    setPath: (name: string, path: string) => {
      state.paths.set(name, path);
    },
    enableSandbox: () => undefined,
    requestSingleInstanceLock: () => true,
    whenReady: () => readyPromise,
    isReady: () => state.isReady,
    isPackaged: false,
    getVersion: () => '0.1.0',
    quit: () => undefined,
    exit: (code: number) => {
      throw new Error(`app.exit(${code})`);
    },
  });

  class BrowserWindow extends Emitter implements FakeWindowShape {
    options: Record<string, unknown>;
    webContents: FakeWindowShape['webContents'];
    loadedUrl: string | null = null;
    shown = false;
    focused = false;
    constructor(options: Record<string, unknown>) {
      super();
      this.options = options;
      this.webContents = Object.assign(new Emitter(), {
        id: nextWebContentsId++,
        windowOpenHandler: null as FakeWindowShape['webContents']['windowOpenHandler'],
        setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
          this.windowOpenHandler = handler;
        },
      });
      state.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    async loadURL(url: string) {
      this.loadedUrl = url;
    }
    getNormalBounds = () => ({ x: 0, y: 0, width: 1280, height: 820 });
    isMaximized = () => false;
    isMinimized = () => false;
    isDestroyed = () => false;
    maximize = () => undefined;
    restore = () => undefined;
    show = () => {
      this.shown = true;
    };
    focus = () => {
      this.focused = true;
    };
  }

  const display = { workArea: { x: 0, y: 0, width: 1920, height: 1080 } };
  const electron = {
    app,
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: { scheme: string; privileges: Record<string, boolean> }[]) => {
        for (const scheme of schemes) state.privilegedSchemes.push({ ...scheme, beforeReady: !state.isReady });
      },
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => {
        state.protocolHandlers.set(scheme, handler);
      },
    },
    ipcMain: {
      handle: (channel: string, listener: (event: unknown, ...args: unknown[]) => Promise<unknown>) => {
        if (state.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
        state.ipcHandlers.set(channel, listener);
      },
      removeHandler: (channel: string) => {
        state.ipcHandlers.delete(channel);
      },
    },
    screen: { getAllDisplays: () => [display], getPrimaryDisplay: () => display },
    nativeTheme: { shouldUseDarkColors: false },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: () => {
        state.menuSet = true;
      },
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: typeof state.permissionRequestHandler) => {
          state.permissionRequestHandler = handler;
        },
        setPermissionCheckHandler: () => undefined,
      },
    },
    shell: {
      openExternal: async (url: string) => {
        state.openedExternally.push(url);
      },
    },
    dialog: { showErrorBox: () => undefined },
    safeStorage: {
      isAsyncEncryptionAvailable: async () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptStringAsync: (text: string) => {
        if (state.cipher === null) throw new Error('no cipher');
        return state.cipher.encrypt(text);
      },
      decryptStringAsync: async (data: Buffer) => {
        if (state.cipher === null) throw new Error('no cipher');
        return { shouldReEncrypt: false, result: await state.cipher.decrypt(data) };
      },
    },
  };
  return { state, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const SECRET = 'c2hlbGwtdGVzdC1zZWNyZXQ=';
const home = mkdtempSync(join(tmpdir(), 'dex-console-shell-'));

function window() {
  const [first] = fake.state.windows;
  if (first === undefined) throw new Error('no window was created');
  return first;
}

function invoke(channel: string, args: unknown[], sender: { id: number; url: string | null }) {
  const handler = fake.state.ipcHandlers.get(channel);
  if (handler === undefined) throw new Error(`no handler for ${channel}`);
  return handler({ sender: { id: sender.id }, senderFrame: sender.url === null ? null : { url: sender.url } }, ...args);
}

beforeAll(async () => {
  fake.state.cipher = createAesGcmCipher();
  fake.state.paths.set('appData', join(home, 'appData'));
  fake.state.paths.set('logs', join(home, 'logs'));
  await import('#main/index.ts');
  expect(fake.state.windows).toHaveLength(0);
  fake.state.markReady();
  await vi.waitFor(() => expect(window().loadedUrl).not.toBeNull());
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('Electron shell (src/main/index.ts, against a stand-in electron module)', () => {
  it('registers the app scheme as privileged before ready, and serves it with the CSP', async () => {
    expect(fake.state.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true }, beforeReady: true },
    ]);
    const serve = fake.state.protocolHandlers.get('app');
    if (serve === undefined) throw new Error('app:// is not handled');
    const answer = await serve(new Request('app://console/../../package.json'));
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('opens one sandboxed, isolated window on app://console, hidden until ready-to-show', () => {
    expect(fake.state.windows).toHaveLength(1);
    const { options } = window();
    expect(options).toMatchObject({ show: false, width: 1280, height: 820 });
    expect(options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String((options.webPreferences as { preload: string }).preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(window().loadedUrl).toBe('app://console/index.html');
    expect(window().shown).toBe(false);
    window().emit('ready-to-show');
    expect(window().shown).toBe(true);
    expect(fake.state.menuSet).toBe(true);
  });

  it('registers exactly one IPC handler per channel of the contract', () => {
    expect([...fake.state.ipcHandlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
  });

  it('answers the window, refuses other senders, and saves profiles encrypted under userData', async () => {
    const trusted = { id: window().webContents.id, url: 'app://console/index.html#/profiles' };
    const saved = await invoke(
      'profiles.save',
      [{ name: 'production', baseUrl: 'https://dex-admin.example.com', secret: SECRET }],
      trusted,
    );
    expect(saved).toEqual({ ok: true, data: { id: expect.any(String), name: 'production', baseUrl: 'https://dex-admin.example.com' } });
    expect(await invoke('profiles.list', [], { id: 999, url: 'app://console/index.html' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await invoke('profiles.list', [], { id: trusted.id, url: 'https://attacker.example/' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await invoke('clients.list', [], trusted)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const file = await readFile(join(home, 'appData', 'dex-console', 'profiles.json'), 'utf8');
    expect(file).toContain('production');
    expect(file).not.toContain(SECRET);
    const logFile = join(home, 'logs', 'console.log');
    await vi.waitFor(async () => expect(await readFile(logFile, 'utf8')).toContain('refused IPC from an untrusted sender'));
    expect(await readFile(logFile, 'utf8')).not.toContain(SECRET);
  });

  it('applies the navigation rules to every WebContents and denies permissions', () => {
    const contents = window().webContents;
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const blocked = { url: 'https://attacker.example/', preventDefault: vi.fn() };
      contents.emit(event, blocked);
      expect(blocked.preventDefault).toHaveBeenCalledOnce();
      const inside = { url: 'app://console/index.html#/keys', preventDefault: vi.fn() };
      contents.emit(event, inside);
      expect(inside.preventDefault).not.toHaveBeenCalled();
    }
    const open = contents.windowOpenHandler;
    if (open === null) throw new Error('no window-open handler');
    expect(open({ url: 'https://github.com/dexidp/dex' })).toEqual({ action: 'deny' });
    expect(open({ url: 'https://attacker.example/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.state.openedExternally).toEqual(['https://github.com/dexidp/dex']);

    const granted: boolean[] = [];
    fake.state.permissionRequestHandler?.(contents, 'media', (answer) => granted.push(answer));
    expect(granted).toEqual([false]);
  });

  it('brings the window forward when the app is started again', async () => {
    (fake.electron.app as EventEmitter).emit('second-instance');
    await vi.waitFor(() => expect(window().focused).toBe(true));
  });

  it('stops trusting the window once its WebContents is destroyed', async () => {
    const id = window().webContents.id;
    window().webContents.emit('destroyed');
    expect(await invoke('profiles.list', [], { id, url: 'app://console/index.html' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});
