import { ipcMain } from 'electron';
import type { IpcMainRegistrar } from './handle.ts';

/** Electron's `ipcMain`, seen only through the narrow interface `handle()` uses. */
export const electronIpcMain: IpcMainRegistrar = ipcMain;
