import { CONSOLE_API_GLOBAL, type ConsoleApi } from '#shared/console-api.ts';
import { createWebBridge } from './web-bridge.ts';

/**
 * The bridge this renderer runs behind: the one Electron's preload exposed as
 * `window.consoleApi` (desktop), else the web bridge of the overlord that served the page.
 * @example const bridge = chooseBridge(window);
 */
export function chooseBridge(host: Window): ConsoleApi {
  const provided: unknown = Reflect.get(host, CONSOLE_API_GLOBAL);
  if (typeof provided === 'object' && provided !== null && 'connection' in provided && 'kind' in provided) return provided as ConsoleApi;
  return createWebBridge({ origin: host.location.origin });
}
