export interface RowActionProps {
  /** The visible text ("Edit"). */
  label: string;
  /** The accessible name, naming the row ("Edit web-app"): the visible text alone is ambiguous in a table. */
  accessibleName: string;
  /** Styles a destructive action (delete) quietly red. */
  isDanger?: boolean;
  disabled?: boolean;
  onClick: () => void;
}

/** A small button in a table row's actions cell. */
export function RowAction(props: RowActionProps) {
  return (
    <button
      type="button"
      className={props.isDanger === true ? 'button button-small button-danger-quiet' : 'button button-small'}
      aria-label={props.accessibleName}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}
