import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@dex/shared/errors';
import { createLogger } from '@dex/shared/logging';
import { app, dialog, safeStorage, shell } from 'electron';
import { createAdminClient } from '#shared/admin-client.ts';
import { createConnectionManager } from './connection/connection-manager.ts';
import { createDesktopBridge } from './connection/create-desktop-bridge.ts';
import { createTrustedWebContents } from './ipc/handle.ts';
import { applicationMenu } from './modules/application-menu.ts';
import { appProtocol } from './modules/app-protocol.ts';
import { enableModules, type ModuleContext } from './modules/app-module.ts';
import { bridgeIpc } from './modules/bridge-ipc.ts';
import { mainWindow } from './modules/main-window.ts';
import { singleInstance } from './modules/single-instance.ts';
import { windowSecurity } from './modules/window-security.ts';
import { createProfileStore, PROFILES_FILE_NAME } from './profiles/profile-store.ts';
import { createSafeStorageCipher } from './profiles/safe-storage-cipher.ts';
import { createDexSessions } from './sign-in/dex-sessions.ts';
import { createTokenStore, DESKTOP_SESSIONS_FILE_NAME } from './sign-in/token-store.ts';
import { WINDOW_STATE_FILE_NAME } from './window/window-state.ts';

/*
 * The console's Electron main process: a thin shell that wires the modules. Everything it
 * composes is a plain module tested in Node (test/main); this file is the part that needs a
 * real Electron to run.
 *
 * Layout of the build (`npm run build`): dist/main/index.js (this), dist/preload/index.cjs,
 * dist/renderer/index.html and its assets.
 */

const distDirectory = fileURLToPath(new URL('..', import.meta.url));

// One userData directory whatever the package name: ~/.config/dex-console, %APPDATA%\dex-console, ...
app.setName('dex console');
app.setPath('userData', join(app.getPath('appData'), 'dex-console'));
// Every renderer in the Chromium sandbox, whatever a window asks for.
app.enableSandbox();

const logDirectory = app.getPath('logs');
mkdirSync(logDirectory, { recursive: true });
const logger = createLogger({ name: 'dex-console', destination: createWriteStream(join(logDirectory, 'console.log'), { flags: 'a' }) });

const userData = app.getPath('userData');
const cipher = createSafeStorageCipher({ safeStorage, platform: process.platform });
const profiles = createProfileStore({ filePath: join(userData, PROFILES_FILE_NAME), cipher });
// "Sign in with dex": the system browser (RFC 8252), the session kept here encrypted with safeStorage.
const dex = createDexSessions({
  store: createTokenStore({ path: join(userData, DESKTOP_SESSIONS_FILE_NAME), cipher }),
  openBrowser: async (url) => {
    // Only the worker's sign-in page, over http(s): never another scheme from an overlord's answer.
    const { protocol } = new URL(url);
    if (protocol !== 'https:' && protocol !== 'http:') {
      throw new AppError('INVALID_CONFIG', {
        message: `the sign-in page is not an http(s) URL (${protocol}): check the overlord's --console-issuer`,
      });
    }
    await shell.openExternal(url);
  },
  logger,
});
const connections = createConnectionManager({
  profiles,
  dex,
  createAdmin: (options) =>
    createAdminClient({
      ...options,
      onRequest: (event) =>
        logger.debug({ method: event.method, path: event.path, status: event.status, ms: event.durationMs }, 'admin API'),
    }),
});
const trusted = createTrustedWebContents();
const window = mainWindow({
  preloadPath: join(distDirectory, 'preload', 'index.cjs'),
  windowStateFile: join(userData, WINDOW_STATE_FILE_NAME),
  trusted,
});
const instance = singleInstance({ onSecondInstance: () => window.focus() });
const context: ModuleContext = { app, logger };

async function start(): Promise<void> {
  await enableModules(context, [instance]);
  if (!instance.isPrimary()) return;
  await enableModules(context, [
    appProtocol({ rendererRoot: join(distDirectory, 'renderer') }),
    windowSecurity(),
    bridgeIpc({ bridge: createDesktopBridge({ profiles, connections }), trusted }),
    applicationMenu(),
    window,
  ]);
  logger.info({ version: app.getVersion(), userData }, 'dex console started');
}

start().catch((error: unknown) => {
  logger.error({ err: error }, 'the console could not start');
  dialog.showErrorBox('dex console could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
