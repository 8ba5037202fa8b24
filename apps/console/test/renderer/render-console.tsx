import { render } from '@testing-library/react';
import axe from 'axe-core';
import type { ConsoleApi } from '../../src/shared/console-api.ts';
import { App } from '../../src/renderer/app/app.tsx';
import { createQueryClient } from '../../src/renderer/app/query-client.ts';
import { createToastStore } from '../../src/renderer/app/toasts.tsx';

/**
 * Renders the whole console on a route against a bridge, with a fresh QueryClient that
 * never retries (a failure shows at once) and its own notifications.
 */
export function renderConsole(bridge: ConsoleApi, options: { route?: string } = {}) {
  window.location.hash = options.route === undefined ? '' : `#/${options.route}`;
  const toasts = createToastStore();
  const queryClient = createQueryClient({
    retry: false,
    onBackgroundError: (error) => toasts.push({ tone: 'error', text: `Refreshing failed: ${error.message}` }),
    onMutationSuccess: (text) => toasts.push({ tone: 'success', text }),
  });
  const view = render(<App bridge={bridge} queryClient={queryClient} toasts={toasts} />);
  return { ...view, queryClient, toasts };
}

/**
 * The accessibility violations axe-core finds in the document. Colour contrast is left out:
 * happy-dom computes no styles (the Playwright suite checks it in Chromium).
 */
export async function axeViolations(): Promise<string[]> {
  const result = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
  return result.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
}

/** A promise that never settles: a bridge call still in flight. */
export function pending<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
