import { type QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import type { ConsoleApi } from '#shared/console-api.ts';
import { Loading } from '../components/states.tsx';
import { sessionQueries } from '../features/session/queries.ts';
import { SignInScreen } from '../features/session/sign-in-screen.tsx';
import { BridgeProvider, useBridge } from './bridge-context.tsx';
import { ConnectivityProvider } from './connectivity.tsx';
import { Shell } from './shell.tsx';
import { ToastProvider, type ToastStore, Toaster } from './toasts.tsx';

/** Sign-in until a connection exists, then the console. */
function Root() {
  const bridge = useBridge();
  const session = useQuery(sessionQueries.current(bridge));
  if (session.isPending) {
    return (
      <main className="sign-in" id="main">
        <Loading label="Connecting…" />
      </main>
    );
  }
  if (session.isError || session.data === null) {
    return (
      <>
        <SignInScreen startupError={session.error} onRetryStartup={() => void session.refetch()} />
        <Toaster />
      </>
    );
  }
  return (
    <ConnectivityProvider>
      <Shell connection={session.data} />
    </ConnectivityProvider>
  );
}

export interface AppProps {
  bridge: ConsoleApi;
  queryClient: QueryClient;
  toasts: ToastStore;
}

/** The whole renderer, with its dependencies passed in (the entry and the tests build them). */
export function App(props: AppProps) {
  return (
    <BridgeProvider bridge={props.bridge}>
      <ToastProvider store={props.toasts}>
        <QueryClientProvider client={props.queryClient}>
          <Root />
        </QueryClientProvider>
      </ToastProvider>
    </BridgeProvider>
  );
}
