import { protocol } from 'electron';
import { createAppProtocolHandler } from '../window/app-protocol.ts';
import { APP_SCHEME } from '../window/navigation-rules.ts';
import type { AppModule } from './app-module.ts';

export interface AppProtocolOptions {
  /** The renderer's build output (`dist/renderer`), absolute. */
  rendererRoot: string;
}

/**
 * Serves the renderer on `app://console/` with the console's CSP. The scheme is registered as
 * standard and secure (a real origin for `'self'`, hash routing, relative asset URLs) before
 * the app is ready, as Electron requires; it gets no fetch, CORS or service-worker privileges.
 */
export function appProtocol(options: AppProtocolOptions): AppModule {
  return {
    name: 'app-protocol',
    async enable({ app }) {
      protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
      await app.whenReady();
      protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: options.rendererRoot }));
    },
  };
}
