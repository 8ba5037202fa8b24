import { createContext, type ReactNode, useContext, useEffect, useSyncExternalStore } from 'react';

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  text: string;
}

/** The notifications of the console: pushed from anywhere (the query cache too), shown by `<Toaster>`. */
export interface ToastStore {
  push(toast: { tone: ToastTone; text: string }): void;
  dismiss(id: number): void;
  subscribe(listener: () => void): () => void;
  snapshot(): readonly Toast[];
}

/** How long a notification stays, unless dismissed. Errors stay until dismissed. */
const TOAST_MS = 6_000;
const MAX_TOASTS = 4;

/**
 * A small external store for notifications, so the QueryClient (created outside React) can
 * push to it.
 * @example const toasts = createToastStore(); toasts.push({ tone: 'success', text: 'Saved' });
 */
export function createToastStore(): ToastStore {
  let toasts: readonly Toast[] = [];
  let nextId = 1;
  const listeners = new Set<() => void>();
  const emit = () => {
    for (const listener of listeners) listener();
  };
  return {
    push(toast) {
      // The same failure on every refetch is one notification, not a pile of them.
      if (toasts.some((shown) => shown.text === toast.text && shown.tone === toast.tone)) return;
      toasts = [...toasts, { ...toast, id: nextId++ }].slice(-MAX_TOASTS);
      emit();
    },
    dismiss(id) {
      toasts = toasts.filter((toast) => toast.id !== id);
      emit();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: () => toasts,
  };
}

const ToastContext = createContext<ToastStore | null>(null);

export function ToastProvider(props: { store: ToastStore; children: ReactNode }) {
  return <ToastContext.Provider value={props.store}>{props.children}</ToastContext.Provider>;
}

export function useToasts(): ToastStore {
  const store = useContext(ToastContext);
  if (store === null) throw new Error('useToasts must be used inside <ToastProvider>');
  return store;
}

function ToastItem(props: { toast: Toast; onDismiss: (id: number) => void }) {
  const { toast, onDismiss } = props;
  useEffect(() => {
    if (toast.tone === 'error') return undefined;
    const timer = setTimeout(() => onDismiss(toast.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast, onDismiss]);
  return (
    <li className={`toast toast-${toast.tone}`}>
      <span>{toast.text}</span>
      <button type="button" className="button-ghost button-small" onClick={() => onDismiss(toast.id)} aria-label="Dismiss notification">
        ×
      </button>
    </li>
  );
}

/** The notifications area: a polite live region, so screen readers announce what happened. */
export function Toaster() {
  const store = useToasts();
  const toasts = useSyncExternalStore(store.subscribe, store.snapshot);
  return (
    <section className="toaster" aria-live="polite" aria-label="Notifications">
      <ul>
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} onDismiss={store.dismiss} />
        ))}
      </ul>
    </section>
  );
}
