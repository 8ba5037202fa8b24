import { type ReactNode, useEffect, useId, useRef } from 'react';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** `wide` for forms with many fields. */
  size?: 'normal' | 'wide';
  /** Extra text under the title. */
  description?: ReactNode;
}

/**
 * A modal `<dialog>`: opened with `showModal()` (focus moves in and stays in, the page
 * behind is inert), closed with Escape or the close button. Mount it to open it.
 */
export function Dialog(props: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const { onClose } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    return () => {
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${props.size ?? 'normal'}`}
      aria-labelledby={titleId}
      {...(props.description === undefined ? {} : { 'aria-describedby': descriptionId })}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="button-ghost button-icon" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {props.description !== undefined && (
        <div id={descriptionId} className="dialog-description">
          {props.description}
        </div>
      )}
      <div className="dialog-body">{props.children}</div>
    </dialog>
  );
}
