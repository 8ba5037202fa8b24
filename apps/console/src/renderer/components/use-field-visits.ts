import { type RefObject, useEffect, useState } from 'react';

export interface FieldVisits {
  /** Whether the field's problem may show: it was left (blurred) once, or a save was tried. */
  isShown(field: string): boolean;
  /** Call from the field's `onBlur`. */
  leave(field: string): void;
  /** Call when the form is submitted: every problem shows from now on. */
  submitted(): void;
  isSubmitAttempted: boolean;
  /** Whether any field was left yet (for problems that belong to no field). */
  hasLeftAny: boolean;
}

/**
 * Which fields of a form were visited: a field's problem shows once it was left or the form
 * submitted, never while it is first filled in.
 * @example const visits = useFieldVisits(); <Field error={visits.isShown('name') ? problems.name : undefined}>
 */
export function useFieldVisits(): FieldVisits {
  const [left, setLeft] = useState<ReadonlySet<string>>(() => new Set());
  const [isSubmitAttempted, setSubmitAttempted] = useState(false);
  return {
    isShown: (field) => isSubmitAttempted || left.has(field),
    leave: (field) => setLeft((current) => (current.has(field) ? current : new Set(current).add(field))),
    submitted: () => setSubmitAttempted(true),
    isSubmitAttempted,
    hasLeftAny: left.size > 0,
  };
}

/**
 * After a refused save, moves the focus to the form's first control marked invalid, as soon as
 * it is rendered. Returns the function that asks for it.
 * @example const focusFirstInvalid = useFocusFirstInvalid(formRef); if (hasProblems) focusFirstInvalid();
 */
export function useFocusFirstInvalid(formRef: RefObject<HTMLFormElement | null>): () => void {
  const [isPending, setPending] = useState(false);
  useEffect(() => {
    if (!isPending) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid != null) {
      invalid.focus();
      setPending(false);
    }
  });
  return () => setPending(true);
}
