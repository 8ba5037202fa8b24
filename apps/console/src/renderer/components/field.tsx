import { type ReactNode, useId } from 'react';

export interface FieldProps {
  label: string;
  /** Renders the control with the ids it must use. */
  children: (ids: { id: string; describedBy: string | undefined; isInvalid: boolean }) => ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** Marks the label as required (the control itself carries `required`). */
  isRequired?: boolean;
}

/** A labelled form control with its hint and its problem, both tied to it by `aria-describedby`. */
export function Field(props: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint === undefined ? null : hintId, props.error === undefined ? null : errorId].filter(Boolean).join(' ');
  return (
    <div className={`field${props.error === undefined ? '' : ' field-invalid'}`}>
      <label htmlFor={id}>
        {props.label}
        {props.isRequired === true && <span className="required"> (required)</span>}
      </label>
      {props.children({ id, describedBy: describedBy === '' ? undefined : describedBy, isInvalid: props.error !== undefined })}
      {props.hint !== undefined && (
        <p id={hintId} className="field-hint">
          {props.hint}
        </p>
      )}
      {props.error !== undefined && (
        <p id={errorId} className="field-error">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** A checkbox with its label on the right and an optional hint. */
export function CheckboxField(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
  /** The checkbox was left (for forms that show a field's problem only once it was visited). */
  onBlur?: () => void;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
        onBlur={props.onBlur}
        {...(props.hint === undefined ? {} : { 'aria-describedby': hintId })}
      />
      <label htmlFor={id}>{props.label}</label>
      {props.hint !== undefined && (
        <p id={hintId} className="field-hint">
          {props.hint}
        </p>
      )}
    </div>
  );
}
