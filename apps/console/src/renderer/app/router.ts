import { useSyncExternalStore } from 'react';

/** The console's screens, in sidebar order; the URL hash names one (`#/clients`). */
export const ROUTES = ['overview', 'clients', 'connectors', 'keys', 'users', 'audit'] as const;
export type Route = (typeof ROUTES)[number];

export const ROUTE_TITLES: Readonly<Record<Route, string>> = {
  overview: 'Overview',
  clients: 'Clients',
  connectors: 'Connectors',
  keys: 'Signing keys',
  users: 'Users',
  audit: 'Audit log',
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

export function hrefOf(route: Route): string {
  return `#/${route}`;
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};

/** The current screen, following the URL hash. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeOf(window.location.hash));
}
