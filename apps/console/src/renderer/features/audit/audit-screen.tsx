import { AUDIT_ACTIONS, type TAuditEvent } from '@dex/shared/admin-api';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, Fragment, useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { Field } from '../../components/field.tsx';
import { FilterActions, TimeWindowFields } from '../../components/filter-form-parts.tsx';
import { formatDateTime } from '../../components/format.ts';
import { FIRST_PAGE, Pager, type PagerState } from '../../components/pager.tsx';
import { Screen } from '../../components/screen.tsx';
import { Empty, Loading } from '../../components/states.tsx';
import { toInstant } from '../../components/to-instant.ts';
import { diffChange } from './change-diff.ts';
import { type AuditQuery, auditQueries } from './queries.ts';
import { TableFrame } from '../../components/table-frame.tsx';

export const AUDIT_PAGE_SIZE = 50;

const TARGET_TYPES = ['', 'client', 'connector', 'user', 'signing_key'];

interface Filters {
  action: string;
  targetType: string;
  targetId: string;
  since: string;
  until: string;
}

const NO_FILTERS: Filters = { action: '', targetType: '', targetId: '', since: '', until: '' };

function queryOf(filters: Filters, cursor: string | undefined): AuditQuery {
  const since = toInstant(filters.since);
  const until = toInstant(filters.until);
  return {
    limit: AUDIT_PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.action === '' ? {} : { action: filters.action }),
    ...(filters.targetType === '' ? {} : { targetType: filters.targetType }),
    ...(filters.targetId.trim() === '' ? {} : { targetId: filters.targetId.trim() }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

const hasChange = (event: TAuditEvent) =>
  !(event.before === null || event.before === undefined) || !(event.after === null || event.after === undefined);

/** A change as a table of fields, before and after, the changed ones marked (secrets never shown). */
function ChangeDiff(props: { event: TAuditEvent }) {
  const rows = diffChange(props.event.before, props.event.after);
  return (
    <table className="diff" aria-label={`Change of ${props.event.targetType} ${props.event.targetId}`}>
      <thead>
        <tr>
          <th scope="col" className="diff-cell diff-head">
            Field
          </th>
          <th scope="col" className="diff-cell diff-head">
            Before
          </th>
          <th scope="col" className="diff-cell diff-head">
            After
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.field} className={row.isChanged ? 'diff-changed' : undefined}>
            <th scope="row" className="mono diff-cell diff-field">
              {row.field}
              {row.isChanged && <span className="diff-mark"> (changed)</span>}
            </th>
            <td className="mono diff-cell">{row.before ?? <span className="muted">—</span>}</td>
            <td className="mono diff-cell">{row.after ?? <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AuditRow(props: { event: TAuditEvent }) {
  const { event } = props;
  const [isOpen, setOpen] = useState(false);
  const detailId = `change-${event.id}`;
  return (
    <Fragment>
      <tr>
        <td>{formatDateTime(event.at)}</td>
        <td className="mono">{event.action}</td>
        <td>
          <span className="badge badge-quiet">{event.targetType}</span> <span className="mono">{event.targetId}</span>
        </td>
        <td className="cell-wrap">{event.actor}</td>
        <td>
          {hasChange(event) ? (
            <button
              type="button"
              className="button button-small"
              aria-label={`${isOpen ? 'Hide' : 'Show'} change of ${event.targetType} ${event.targetId}`}
              aria-expanded={isOpen}
              aria-controls={isOpen ? detailId : undefined}
              onClick={() => setOpen((open) => !open)}
            >
              {isOpen ? 'Hide change' : 'Show change'}
            </button>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
      </tr>
      {isOpen && (
        <tr className="row-detail" id={detailId}>
          <td colSpan={5}>
            <ChangeDiff event={event} />
          </td>
        </tr>
      )}
    </Fragment>
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
              <select id={id} value={draft.action} onChange={(event) => set('action', event.target.value)}>
                <option value="">Any</option>
                {AUDIT_ACTIONS.map((action) => (
                  <option key={action} value={action}>
                    {action}
                  </option>
                ))}
              </select>
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
      {list.isPending && <Loading label="Loading the audit log…" />}
      {list.data !== undefined && list.data.items.length === 0 && (
        <Empty title={isFiltered ? 'No event matches these filters' : 'Nothing recorded yet'} />
      )}
      {list.data !== undefined && list.data.items.length > 0 && (
        <>
          <TableFrame>
            <table className="table table-fixed audit-table">
              <caption className="visually-hidden">Audit events</caption>
              <colgroup>
                <col className="col-when" />
                <col className="col-action" />
                <col />
                <col className="col-actor" />
                <col className="col-change" />
              </colgroup>
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
                  <AuditRow key={event.id} event={event} />
                ))}
              </tbody>
            </table>
          </TableFrame>
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
