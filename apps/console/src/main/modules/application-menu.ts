import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { AppModule } from './app-module.ts';

/**
 * The application menu: the standard roles (so copy, paste, undo and window shortcuts work,
 * and macOS has its app menu), reload and zoom, and developer tools only in unpackaged builds.
 */
export function applicationMenu(): AppModule {
  return {
    name: 'application-menu',
    async enable({ app }) {
      await app.whenReady();
      const view: MenuItemConstructorOptions[] = [
        { role: 'reload' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ];
      if (!app.isPackaged) view.push({ type: 'separator' }, { role: 'toggleDevTools' });
      const template: MenuItemConstructorOptions[] = [
        ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
        { role: 'fileMenu' },
        { role: 'editMenu' },
        { label: 'View', submenu: view },
        { role: 'windowMenu' },
      ];
      Menu.setApplicationMenu(Menu.buildFromTemplate(template));
    },
  };
}
