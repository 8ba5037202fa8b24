/**
 * Where the console window may go, as pure functions (the window-security module wires them
 * to Electron's `will-navigate`, `will-redirect` and `setWindowOpenHandler`).
 *
 * The console's pages are served from its own privileged scheme, `app://console/`. Note
 * that Node's `URL` gives custom schemes an opaque origin (`"null"`), so app URLs are
 * compared by scheme and host, never by `origin`.
 */

/** The scheme the main process serves the renderer from. */
export const APP_SCHEME = 'app';
/** The one host of that scheme. */
export const APP_HOST = 'console';
/** Where the window starts (the renderer uses hash routing below it). */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Origins the console may open in the system browser (documentation links). Only https, only
 * these; everything else a page tries to open is dropped.
 */
export const DEFAULT_EXTERNAL_ORIGINS: readonly string[] = Object.freeze(['https://github.com', 'https://dexidp.io']);

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a URL is one of the console's own pages (`app://console/...`).
 * @example isAppUrl('app://console/index.html#/clients') // true
 */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host.toLowerCase() === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Whether the window may navigate to `url` (`will-navigate`, `will-redirect`): only within
 * the app. `javascript:`, `file:`, `data:`, other schemes and every web origin are refused.
 * @example isNavigationAllowed('https://example.com/') // false
 */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

export interface WindowOpenDecision {
  /** Always `'deny'`: the console never opens a second Electron window. */
  action: 'deny';
  /** A URL to hand to the system browser, when it is an allow-listed https link. */
  openExternally: string | null;
}

/**
 * What to do with `window.open` or a `target=_blank` link: never a new Electron window; an
 * https link to an allow-listed origin (exact match, default port) goes to the system browser.
 * @example decideWindowOpen('https://github.com/dexidp/dex', ['https://github.com']) // { action: 'deny', openExternally: 'https://github.com/dexidp/dex' }
 */
export function decideWindowOpen(url: string, externalOrigins: readonly string[] = DEFAULT_EXTERNAL_ORIGINS): WindowOpenDecision {
  return { action: 'deny', openExternally: isExternalLinkAllowed(url, externalOrigins) ? url : null };
}

/**
 * Whether `shell.openExternal` may be called with `url`: https, no credentials, origin on the list.
 * @example isExternalLinkAllowed('http://github.com/', ['https://github.com']) // false
 */
export function isExternalLinkAllowed(url: string, externalOrigins: readonly string[] = DEFAULT_EXTERNAL_ORIGINS): boolean {
  const parsed = parse(url);
  if (parsed === null || parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return externalOrigins.includes(parsed.origin);
}
