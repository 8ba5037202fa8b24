import { contextBridge, ipcRenderer } from 'electron';
import { CONSOLE_API_GLOBAL } from '#shared/console-api.ts';
import { buildConsoleApi } from './build-console-api.ts';

/**
 * The preload script of the console window (sandboxed, context-isolated): exposes the desktop
 * bridge as `window.consoleApi` and nothing else. Only the arguments cross; the
 * `IpcRendererEvent` and `ipcRenderer` itself stay here.
 */
contextBridge.exposeInMainWorld(
  CONSOLE_API_GLOBAL,
  buildConsoleApi((channel, args) => ipcRenderer.invoke(channel, ...args)),
);
