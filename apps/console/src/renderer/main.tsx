import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app.tsx';
import { createQueryClient } from './app/query-client.ts';
import { createToastStore } from './app/toasts.tsx';
import { chooseBridge } from './bridge/choose-bridge.ts';
import './styles/app.css';

const toasts = createToastStore();
const queryClient = createQueryClient({
  onBackgroundError: (error) => toasts.push({ tone: 'error', text: `Refreshing failed: ${error.message}` }),
  onMutationSuccess: (text) => toasts.push({ tone: 'success', text }),
});

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App bridge={chooseBridge(window)} queryClient={queryClient} toasts={toasts} />
  </StrictMode>,
);
