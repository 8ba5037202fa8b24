import { useId } from 'react';

export interface SearchBoxProps {
  /** The accessible name ("Search clients"); visually hidden, the placeholder says it on screen. */
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
}

/** The search field of a list screen's toolbar. */
export function SearchBox(props: SearchBoxProps) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className="visually-hidden">
        {props.label}
      </label>
      <input
        id={id}
        type="search"
        className="search"
        placeholder={props.placeholder}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </>
  );
}
