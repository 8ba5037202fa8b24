import type { BrowserWindowConstructorOptions } from 'electron';
import { MIN_WINDOW_SIZE, type WindowState } from './window-state.ts';

export interface MainWindowOptionsInput {
  /** The bundled preload script (`dist/preload/index.cjs`), absolute. */
  preloadPath: string;
  /** Where the window opens (already clamped to a display). */
  state: WindowState;
  /** The window's background before the page paints (follows the system theme). */
  backgroundColor: string;
}

/**
 * The console window's options. The renderer is isolated from Node and Electron: context
 * isolation, the Chromium sandbox, no Node integration (also in workers and subframes), no
 * `<webview>`, no remote content, spellcheck off (it would send typed text to a service on
 * some systems). The window stays hidden until its first paint (`ready-to-show`).
 * @example new BrowserWindow(createMainWindowOptions({ preloadPath, state, backgroundColor: '#111827' }))
 */
export function createMainWindowOptions(input: MainWindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...input.state.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'dex console',
    backgroundColor: input.backgroundColor,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}
