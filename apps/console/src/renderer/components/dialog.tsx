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

/** What takes the focus when a dialog opens: its first field, else its first button in the body, else the close button. */
const FIRST_FIELD =
  'input:not([type="hidden"]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled]):not([readonly])';
const FIRST_CONTROL = '.dialog-body button:not([disabled]), .dialog-body a[href], .dialog-body [tabindex]:not([tabindex="-1"])';

/**
 * Where the focus goes back to when a dialog closes: the control that opened it while it is
 * still on the page (a row's button may be gone after a delete), else the screen's title.
 */
function restoreFocus(opener: Element | null): void {
  if (opener instanceof HTMLElement && opener.isConnected && !opener.closest('dialog')) {
    opener.focus();
    return;
  }
  document.querySelector<HTMLElement>('#screen-title')?.focus();
}

/**
 * A modal `<dialog>`: opened with `showModal()` (the page behind is inert), focus on its first
 * field (or first control), closed with Escape or the close button, and the focus returned to
 * the control that opened it. Mount it to open it.
 */
export function Dialog(props: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const { onClose } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const opener = document.activeElement;
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    const first = dialog.querySelector<HTMLElement>(FIRST_FIELD) ?? dialog.querySelector<HTMLElement>(FIRST_CONTROL);
    first?.focus();
    return () => {
      if (dialog.open && typeof dialog.close === 'function') dialog.close();
      restoreFocus(opener);
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
