import { LOGIN_EVENT_TYPES, type LoginEventType, type TLoginEvent } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { Field } from '../../components/field.tsx';
import { FilterActions, TimeWindowFields } from '../../components/filter-form-parts.tsx';
import { formatDateTime } from '../../components/format.ts';
import { FIRST_PAGE, Pager, type PagerState } from '../../components/pager.tsx';
import { Screen } from '../../components/screen.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { toInstant } from '../../components/to-instant.ts';
import { type EventsQuery, eventQueries } from './queries.ts';
import { TableFrame } from '../../components/table-frame.tsx';

export const EVENTS_PAGE_SIZE = 50;

const TYPE_LABELS: Readonly<Record<LoginEventType, string>> = {
  success: 'Login',
  failure: 'Login failed',
  lockout: 'Locked out',
  logout: 'Logout',
};

const TYPE_BADGES: Readonly<Record<LoginEventType, string>> = {
  success: 'badge badge-active',
  failure: 'badge badge-danger',
  lockout: 'badge badge-danger',
  logout: 'badge badge-quiet',
};

/** Why a login failed, in words (the reasons the worker records). */
const REASONS: Readonly<Record<string, string>> = {
  invalid_credentials: 'wrong password or unknown account',
  disabled: 'account disabled',
  rate_limited: 'refused while locked out',
  too_many_failures: 'too many failed logins',
  session_expired: 'login request expired',
  no_account: 'no account for this identity',
  wrong_connector: 'account logs in another way',
  unavailable: 'directory unavailable',
};

interface Filters {
  type: '' | LoginEventType;
  user: string;
  clientId: string;
  since: string;
  until: string;
}

const NO_FILTERS: Filters = { type: '', user: '', clientId: '', since: '', until: '' };

function queryOf(filters: Filters, cursor: string | undefined): EventsQuery {
  const since = toInstant(filters.since);
  const until = toInstant(filters.until);
  const user = filters.user.trim();
  return {
    limit: EVENTS_PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.type === '' ? {} : { type: filters.type }),
    // An email has an @; anything else is a user id.
    ...(user === '' ? {} : user.includes('@') ? { email: user } : { userId: user }),
    ...(filters.clientId.trim() === '' ? {} : { clientId: filters.clientId.trim() }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

const isEventType = (value: string): value is LoginEventType => (LOGIN_EVENT_TYPES as readonly string[]).includes(value);

function EventRow(props: { event: TLoginEvent }) {
  const { event } = props;
  return (
    <tr>
      <td>{formatDateTime(event.at)}</td>
      <td>
        <span className={TYPE_BADGES[event.type]}>{TYPE_LABELS[event.type]}</span>
        {event.reason !== null && <span className="small muted event-reason">{REASONS[event.reason] ?? event.reason}</span>}
      </td>
      <td className="mono">{event.email ?? event.userId ?? '—'}</td>
      <td className="mono">{event.clientId ?? '—'}</td>
      <td className="mono">{event.connectorId ?? '—'}</td>
      <td className="mono">{event.clientAddress ?? '—'}</td>
    </tr>
  );
}

/** The workers' login events, newest first, as Keycloak's "Events": filter by type, user, client and time. */
export function EventsScreen() {
  const bridge = useBridge();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [pager, setPager] = useState<PagerState>(FIRST_PAGE);
  const list = useQuery(eventQueries.list(bridge, queryOf(filters, pager.cursors[pager.index])));
  const set = <K extends keyof Filters>(field: K, value: Filters[K]) => setDraft((current) => ({ ...current, [field]: value }));
  const isFiltered = Object.values(filters).some((value) => value !== '');

  const onApply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setPager(FIRST_PAGE);
  };

  return (
    <Screen title="Login events" summary="Logins, failed logins, lockouts and logouts at the workers, newest first.">
      <form className="filters" onSubmit={onApply} aria-label="Filter the login events">
        <Field label="Event">
          {({ id }) => (
            <select id={id} value={draft.type} onChange={(event) => set('type', isEventType(event.target.value) ? event.target.value : '')}>
              <option value="">Any</option>
              {LOGIN_EVENT_TYPES.map((type) => (
                <option key={type} value={type}>
                  {TYPE_LABELS[type]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="User (email or ID)">
          {({ id }) => <input id={id} value={draft.user} onChange={(event) => set('user', event.target.value)} spellCheck={false} />}
        </Field>
        <Field label="Client ID">
          {({ id }) => (
            <input id={id} value={draft.clientId} onChange={(event) => set('clientId', event.target.value)} spellCheck={false} />
          )}
        </Field>
        <TimeWindowFields since={draft.since} until={draft.until} onChange={set} />
        <FilterActions
          canClear={isFiltered || Object.values(draft).some((value) => value !== '')}
          onClear={() => {
            setDraft(NO_FILTERS);
            setFilters(NO_FILTERS);
            setPager(FIRST_PAGE);
          }}
        />
      </form>
      {list.isPending && <Loading label="Loading the login events…" />}
      {list.data !== undefined && list.data.items.length === 0 && (
        <Empty title={isFiltered ? 'No event matches these filters' : 'No login recorded yet'} />
      )}
      {list.data !== undefined && list.data.items.length > 0 && (
        <>
          <TableFrame>
            <table className="table table-fixed events-table">
              <caption className="visually-hidden">Login events</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">User</th>
                  <th scope="col">Client</th>
                  <th scope="col">Connector</th>
                  <th scope="col">Address</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((event) => (
                  <EventRow key={event.id} event={event} />
                ))}
              </tbody>
            </table>
          </TableFrame>
          <Pager
            label="Login events pages"
            pageSize={EVENTS_PAGE_SIZE}
            state={pager}
            shown={list.data.items.length}
            nextCursor={list.data.nextCursor}
            onChange={setPager}
          />
        </>
      )}
    </Screen>
  );
}
