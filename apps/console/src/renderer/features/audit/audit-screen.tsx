import type { TAuditEvent } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { Field } from '../../components/field.tsx';
import { formatDateTime } from '../../components/format.ts';
import { FIRST_PAGE, Pager, type PagerState } from '../../components/pager.tsx';
import { Screen } from '../../components/screen.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { type AuditQuery, auditQueries } from './queries.ts';

export const AUDIT_PAGE_SIZE = 50;

/** The actions the overlord records, for the filter's suggestions. */
const KNOWN_ACTIONS = [
  'admin.create',
  'client.create',
  'client.update',
  'client.rotate_secret',
  'client.delete',
  'connector.create',
  'connector.update',
  'connector.delete',
  'connector.replace_all',
  'user.create',
  'user.update',
  'user.disable',
  'user.enable',
  'user.revoke_tokens',
  'keys.rotate',
];
const TARGET_TYPES = ['', 'client', 'connector', 'user', 'signing_key'];

interface Filters {
  action: string;
  targetType: string;
  targetId: string;
  since: string;
  until: string;
}

const NO_FILTERS: Filters = { action: '', targetType: '', targetId: '', since: '', until: '' };

/** A `datetime-local` value (the admin's time zone) as the ISO instant the API takes. */
function toInstant(local: string): string | undefined {
  if (local === '') return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function queryOf(filters: Filters, cursor: string | undefined): AuditQuery {
  const since = toInstant(filters.since);
  const until = toInstant(filters.until);
  return {
    limit: AUDIT_PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.action.trim() === '' ? {} : { action: filters.action.trim() }),
    ...(filters.targetType === '' ? {} : { targetType: filters.targetType }),
    ...(filters.targetId.trim() === '' ? {} : { targetId: filters.targetId.trim() }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

function ChangeDetails(props: { event: TAuditEvent }) {
  const { before, after } = props.event;
  if ((before === null || before === undefined) && (after === null || after === undefined)) return <span className="muted">—</span>;
  return (
    <details className="change">
      <summary>Show change</summary>
      <div className="change-grid">
        <div>
          <p className="small muted">Before</p>
          <pre>{before === null || before === undefined ? '—' : JSON.stringify(before, null, 2)}</pre>
        </div>
        <div>
          <p className="small muted">After</p>
          <pre>{after === null || after === undefined ? '—' : JSON.stringify(after, null, 2)}</pre>
        </div>
      </div>
    </details>
  );
}

/** Every change made through the admin API, newest first, filterable by action, target and time. */
export function AuditScreen() {
  const bridge = useBridge();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [pager, setPager] = useState<PagerState>(FIRST_PAGE);
  const list = useQuery(auditQueries.list(bridge, queryOf(filters, pager.cursors[pager.index])));
  const set = (field: keyof Filters, value: string) => setDraft((current) => ({ ...current, [field]: value }));
  const isFiltered = Object.values(filters).some((value) => value !== '');

  const onApply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setPager(FIRST_PAGE);
  };

  return (
    <Screen title="Audit log" summary="Every change made through the admin API (secrets never recorded), newest first.">
      <form className="filters" onSubmit={onApply} aria-label="Filter the audit log">
        <Field label="Action">
          {({ id }) => (
            <>
              <input
                id={id}
                list={`${id}-actions`}
                value={draft.action}
                onChange={(event) => set('action', event.target.value)}
                placeholder="client.create"
              />
              <datalist id={`${id}-actions`}>
                {KNOWN_ACTIONS.map((action) => (
                  <option key={action} value={action} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Target type">
          {({ id }) => (
            <select id={id} value={draft.targetType} onChange={(event) => set('targetType', event.target.value)}>
              {TARGET_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type === '' ? 'Any' : type}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Target ID">
          {({ id }) => <input id={id} value={draft.targetId} onChange={(event) => set('targetId', event.target.value)} />}
        </Field>
        <Field label="From">
          {({ id }) => <input id={id} type="datetime-local" value={draft.since} onChange={(event) => set('since', event.target.value)} />}
        </Field>
        <Field label="Until">
          {({ id }) => <input id={id} type="datetime-local" value={draft.until} onChange={(event) => set('until', event.target.value)} />}
        </Field>
        <div className="button-row filters-actions">
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <button
            type="button"
            className="button"
            disabled={!isFiltered && Object.values(draft).every((value) => value === '')}
            onClick={() => {
              setDraft(NO_FILTERS);
              setFilters(NO_FILTERS);
              setPager(FIRST_PAGE);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {list.isPending && <Loading label="Loading the audit log…" />}
      {list.data !== undefined && list.data.items.length === 0 && (
        <Empty title={isFiltered ? 'No event matches these filters' : 'Nothing recorded yet'} />
      )}
      {list.data !== undefined && list.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Audit events</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((event) => (
                  <tr key={event.id}>
                    <td>{formatDateTime(event.at)}</td>
                    <td className="mono">{event.action}</td>
                    <td>
                      <span className="badge badge-quiet">{event.targetType}</span> <span className="mono">{event.targetId}</span>
                    </td>
                    <td>{event.actor}</td>
                    <td>
                      <ChangeDetails event={event} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            label="Audit log pages"
            pageSize={AUDIT_PAGE_SIZE}
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
