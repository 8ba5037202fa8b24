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
 * the app is ready, as Electron requires; it gets no CORS bypass, CSP bypass or service workers.
 */
export function appProtocol(options: AppProtocolOptions): AppModule {
  return {
    name: 'app-protocol',
    async enable({ app }) {
      // standard: a real origin and relative URLs; secure: a secure context; supportFetchAPI: module scripts
      // (`<script type="module" crossorigin>`) load through fetch. No corsEnabled: other origins stay unable to read app://.
      protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
      await app.whenReady();
      protocol.handle(APP_SCHEME, createAppProtocolHandler({ root: options.rendererRoot }));
    },
  };
}
