import { BrowserWindow, nativeTheme, screen } from 'electron';
import type { TrustedWebContents } from '../ipc/handle.ts';
import { createMainWindowOptions } from '../window/main-window-options.ts';
import { APP_ENTRY_URL } from '../window/navigation-rules.ts';
import { clampWindowState, readWindowState, trackWindowState } from '../window/window-state.ts';
import type { AppModule } from './app-module.ts';

export interface MainWindowOptions {
  /** The bundled preload script, absolute. */
  preloadPath: string;
  /** `<userData>/window-state.json`. */
  windowStateFile: string;
  /** The WebContents allowed to call the bridge: this module adds its window's and removes it when gone. */
  trusted: TrustedWebContents;
}

/** The console's one window. Exposed so the single-instance module can bring it forward. */
export interface MainWindowModule extends AppModule {
  /** Shows and focuses the window, creating it if it was closed (macOS keeps the app running). */
  focus(): Promise<void>;
}

/**
 * Creates the console window once the app is ready: hidden until its first paint, secure web
 * preferences, the remembered size and position (clamped to a connected display), the
 * system's light or dark background. macOS re-creates it on `activate`; other systems quit
 * when it closes.
 */
export function mainWindow(options: MainWindowOptions): MainWindowModule {
  let window: BrowserWindow | null = null;
  let creating: Promise<BrowserWindow> | null = null;
  let context: Parameters<AppModule['enable']>[0] | null = null;

  async function create(): Promise<BrowserWindow> {
    if (context === null) throw new Error('the main-window module is not enabled');
    const { logger } = context;
    const saved = await readWindowState(options.windowStateFile);
    const state = clampWindowState(saved, screen.getAllDisplays(), screen.getPrimaryDisplay());
    const created = new BrowserWindow(
      createMainWindowOptions({
        preloadPath: options.preloadPath,
        state,
        backgroundColor: nativeTheme.shouldUseDarkColors ? '#111418' : '#f7f8fa',
      }),
    );
    const webContentsId = created.webContents.id;
    options.trusted.add(webContentsId);
    created.webContents.once('destroyed', () => options.trusted.delete(webContentsId));
    created.on('closed', () => {
      if (window === created) window = null;
    });
    created.once('ready-to-show', () => {
      if (state.isMaximized) created.maximize();
      created.show();
    });
    created.webContents.on('render-process-gone', (_event, details) => {
      logger.error({ reason: details.reason, exitCode: details.exitCode }, 'the console renderer stopped');
    });
    trackWindowState(created, {
      filePath: options.windowStateFile,
      onError: (error) => logger.warn({ err: error }, 'the window size and position could not be saved'),
    });
    window = created;
    await created.loadURL(APP_ENTRY_URL);
    return created;
  }

  async function ensureWindow(): Promise<BrowserWindow> {
    if (window !== null && !window.isDestroyed()) return window;
    creating ??= create().finally(() => {
      creating = null;
    });
    return creating;
  }

  return {
    name: 'main-window',
    async enable(moduleContext) {
      context = moduleContext;
      const { app } = moduleContext;
      app.on('window-all-closed', () => {
        if (process.platform !== 'darwin') app.quit();
      });
      app.on('activate', () => {
        ensureWindow().catch((error: unknown) => moduleContext.logger.error({ err: error }, 'the console window could not be opened'));
      });
      await app.whenReady();
      await ensureWindow();
    },
    async focus() {
      const target = await ensureWindow();
      if (target.isMinimized()) target.restore();
      target.show();
      target.focus();
    },
  };
}
