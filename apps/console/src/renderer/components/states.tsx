import type { ReactNode } from 'react';
import { describeError } from './describe-error.ts';

/** A loading placeholder that screen readers announce. */
export function Loading(props: { label: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {props.label}
    </p>
  );
}

/** What an empty list shows: what is missing and, when there is one, the way to add it. */
export function Empty(props: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{props.title}</p>
      {props.children}
    </div>
  );
}

/** A failure, said plainly, with a way forward (retry, sign in again). */
export function ErrorPanel(props: { error: unknown; onRetry?: () => void; onSignInAgain?: () => void }) {
  const { title, detail, isUnauthorized } = describeError(props.error);
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title}</p>
      <p className="state-detail">{detail}</p>
      <div className="button-row">
        {props.onRetry !== undefined && (
          <button type="button" className="button" onClick={props.onRetry}>
            Try again
          </button>
        )}
        {isUnauthorized && props.onSignInAgain !== undefined && (
          <button type="button" className="button button-primary" onClick={props.onSignInAgain}>
            Sign in again
          </button>
        )}
      </div>
    </div>
  );
}

/** A failed action inside a form or dialog. */
export function InlineError(props: { error: unknown }) {
  if (props.error === null || props.error === undefined) return null;
  const { title, detail } = describeError(props.error);
  return (
    <div className="inline-error" role="alert">
      <strong>{title}:</strong> {detail}
    </div>
  );
}
