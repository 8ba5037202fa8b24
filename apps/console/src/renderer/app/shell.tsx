import { useEffect, useRef, useState } from 'react';
import type { ActiveConnection } from '#shared/console-api.ts';
import { AuditScreen } from '../features/audit/audit-screen.tsx';
import { ClientsScreen } from '../features/clients/clients-screen.tsx';
import { ConnectorsScreen } from '../features/connectors/connectors-screen.tsx';
import { KeysScreen } from '../features/keys/keys-screen.tsx';
import { EventsScreen } from '../features/events/events-screen.tsx';
import { OverviewScreen } from '../features/overview/overview-screen.tsx';
import { useDisconnect } from '../features/session/queries.ts';
import { UsersScreen } from '../features/users/users-screen.tsx';
import { hrefOf, ROUTE_TITLES, ROUTES, type Route, useRoute } from './router.ts';
import { ConnectionBanner } from '../components/connection-banner.tsx';
import { useConnectivity } from './connectivity.tsx';
import { ScreenBoundary } from './screen-boundary.tsx';
import { Toaster } from './toasts.tsx';

const SCREENS: Readonly<Record<Route, () => React.JSX.Element>> = {
  overview: OverviewScreen,
  clients: ClientsScreen,
  connectors: ConnectorsScreen,
  keys: KeysScreen,
  users: UsersScreen,
  audit: AuditScreen,
  events: EventsScreen,
};

/** The signed-in console: the sidebar (sections, the connection, sign out) and the current screen. */
export function Shell(props: { connection: ActiveConnection }) {
  const route = useRoute();
  const disconnect = useDisconnect();
  const shownRoute = useRef(route);
  const { profile, state } = props.connection;
  const CurrentScreen = SCREENS[route];
  const connectivity = useConnectivity();

  // After a section change, move the focus to the new screen's title (screen readers announce it).
  useEffect(() => {
    if (shownRoute.current === route) return;
    shownRoute.current = route;
    document.querySelector<HTMLElement>('#screen-title')?.focus();
  }, [route]);

  const signOut = () => disconnect.mutate();
  // On a small window the sidebar folds into a narrow rail, leaving the width to the screen.
  const [isCollapsed, setCollapsed] = useState(false);

  return (
    <div className={isCollapsed ? 'layout layout-collapsed' : 'layout'}>
      <aside className="sidebar">
        <div className="sidebar-top">
          <p className="brand">
            <span className="brand-mark">dex</span>
            <span className="brand-name"> console</span>
          </p>
          <button
            type="button"
            className="button-ghost button-icon sidebar-toggle"
            aria-expanded={!isCollapsed}
            aria-controls="sidebar-body"
            aria-label={isCollapsed ? 'Show the sidebar' : 'Hide the sidebar'}
            onClick={() => setCollapsed((collapsed) => !collapsed)}
          >
            <span aria-hidden="true">{isCollapsed ? '»' : '«'}</span>
          </button>
        </div>
        <div className="sidebar-body" id="sidebar-body" hidden={isCollapsed}>
          <nav aria-label="Sections">
            <ul className="nav-list">
              {ROUTES.map((name) => (
                <li key={name}>
                  <a href={hrefOf(name)} className="nav-link" aria-current={name === route ? 'page' : undefined}>
                    {ROUTE_TITLES[name]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <section className="connection" aria-label="Connection">
            <p className="connection-name">{profile.name}</p>
            <p className="connection-detail mono">{profile.baseUrl}</p>
            {props.connection.signedInAs !== undefined && (
              <p className="connection-detail" data-testid="signed-in-as">
                Signed in as {props.connection.signedInAs === 'break-glass' ? 'break-glass (admin secret)' : props.connection.signedInAs}
              </p>
            )}
            {state.database !== undefined && (
              <p className="connection-detail">
                {state.database === 'postgresql' ? 'PostgreSQL' : 'SQLite'}
                {state.version === undefined ? '' : ` · v${state.version}`}
              </p>
            )}
            <button type="button" className="button button-small" onClick={signOut} disabled={disconnect.isPending}>
              Sign out
            </button>
          </section>
        </div>
      </aside>
      <main className="content" id="main">
        <ConnectionBanner baseUrl={profile.baseUrl} />
        <ScreenBoundary key={`${route}-${connectivity.recoveries}`} title={ROUTE_TITLES[route]} onSignInAgain={signOut}>
          <CurrentScreen />
        </ScreenBoundary>
      </main>
      <Toaster />
    </div>
  );
}
