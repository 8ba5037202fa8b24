import { useSyncExternalStore } from 'react';

/** The console's screens, in sidebar order; the URL hash names one (`#/clients`). */
export const ROUTES = ['overview', 'clients', 'connectors', 'keys', 'users', 'audit', 'events'] as const;
export type Route = (typeof ROUTES)[number];

export const ROUTE_TITLES: Readonly<Record<Route, string>> = {
  overview: 'Overview',
  clients: 'Clients',
  connectors: 'Connectors',
  keys: 'Signing keys',
  users: 'Users',
  audit: 'Audit log',
  events: 'Login events',
};

/**
 * The route of a hash (`#/keys` → `keys`), `overview` for anything else. Hash routing works
 * the same under the overlord's `/console/` and from `file://` in Electron.
 * @example routeOf('#/clients') // 'clients'
 */
export function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'overview';
}

/**
 * The item a hash names below its screen (`#/clients/my%20app` → `my app`), or null for the screen itself.
 * @example itemOf('#/clients/billing-app') // 'billing-app'
 */
export function itemOf(hash: string): string | null {
  const match = /^#\/?[^/?]+\/([^?]+)/.exec(hash);
  if (match?.[1] === undefined) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/** The hash of a screen, or of one item on it (`hrefOf('clients', 'a b')` → `#/clients/a%20b`). */
export function hrefOf(route: Route, item?: string): string {
  return item === undefined ? `#/${route}` : `#/${route}/${encodeURIComponent(item)}`;
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

/** The current screen, following the URL hash. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeOf(window.location.hash));
}

/** The item the URL hash opens on the current screen (a client's detail view), or null. */
export function useRouteItem(): string | null {
  return useSyncExternalStore(subscribe, () => itemOf(window.location.hash));
}
