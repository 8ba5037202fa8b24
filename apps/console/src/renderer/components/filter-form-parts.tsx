import { Field } from './field.tsx';

/** The time window of a filter form: "From" (inclusive) and "Until" (exclusive), local time. */
export function TimeWindowFields(props: { since: string; until: string; onChange: (field: 'since' | 'until', value: string) => void }) {
  return (
    <>
      <Field label="From">
        {({ id }) => (
          <input id={id} type="datetime-local" value={props.since} onChange={(event) => props.onChange('since', event.target.value)} />
        )}
      </Field>
      <Field label="Until">
        {({ id }) => (
          <input id={id} type="datetime-local" value={props.until} onChange={(event) => props.onChange('until', event.target.value)} />
        )}
      </Field>
    </>
  );
}

/** A filter form's buttons: "Apply filters" submits it; "Clear" (disabled when nothing is set) resets it. */
export function FilterActions(props: { canClear: boolean; onClear: () => void }) {
  return (
    <div className="button-row filters-actions">
      <button type="submit" className="button button-primary">
        Apply filters
      </button>
      <button type="button" className="button" disabled={!props.canClear} onClick={props.onClear}>
        Clear
      </button>
    </div>
  );
}
