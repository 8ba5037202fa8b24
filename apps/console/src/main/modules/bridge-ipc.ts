import type { BridgeNamespaces } from '#shared/ipc-contract.ts';
import { electronIpcMain } from '../ipc/electron-ipc-main.ts';
import { createIpcHandlerRegistry, type TrustedWebContents } from '../ipc/handle.ts';
import { registerBridgeHandlers } from '../ipc/register-bridge-handlers.ts';
import { isAppUrl } from '../window/navigation-rules.ts';
import type { AppModule } from './app-module.ts';

export interface BridgeIpcOptions {
  bridge: BridgeNamespaces;
  /** The WebContents of the app's windows (the main-window module keeps it current). */
  trusted: TrustedWebContents;
}

/**
 * Answers the desktop bridge's channels: one `handle()` per channel of the IPC contract,
 * callable only from the app's own windows showing `app://console` pages. The handlers are
 * removed when the app quits.
 */
export function bridgeIpc(options: BridgeIpcOptions): AppModule {
  return {
    name: 'bridge-ipc',
    enable({ app, logger }) {
      const registry = createIpcHandlerRegistry({
        ipc: electronIpcMain,
        logger,
        trust: { hasWebContents: (id) => options.trusted.has(id), isTrustedFrameUrl: isAppUrl },
      });
      registerBridgeHandlers(registry, options.bridge);
      app.on('will-quit', () => registry.dispose());
    },
  };
}
