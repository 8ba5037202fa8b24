import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CONSOLE_API_GLOBAL, type ConsoleApi } from '#shared/console-api.ts';
import { App } from './app/app.tsx';
import { createQueryClient } from './app/query-client.ts';
import { createToastStore } from './app/toasts.tsx';
import { createWebBridge } from './bridge/web-bridge.ts';
import './styles/app.css';

/** The desktop preload's bridge when Electron provided one, else the web bridge of the overlord that served the page. */
function chooseBridge(): ConsoleApi {
  const provided = (window as unknown as Record<string, unknown>)[CONSOLE_API_GLOBAL];
  if (typeof provided === 'object' && provided !== null && 'connection' in provided) return provided as ConsoleApi;
  return createWebBridge({ origin: window.location.origin, storage: window.sessionStorage });
}

const toasts = createToastStore();
const queryClient = createQueryClient({
  onBackgroundError: (error) => toasts.push({ tone: 'error', text: `Refreshing failed: ${error.message}` }),
  onMutationSuccess: (text) => toasts.push({ tone: 'success', text }),
});

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App bridge={chooseBridge()} queryClient={queryClient} toasts={toasts} />
  </StrictMode>,
);
