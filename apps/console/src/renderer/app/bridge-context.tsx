import { createContext, type ReactNode, useContext } from 'react';
import type { ConsoleApi } from '#shared/console-api.ts';

const BridgeContext = createContext<ConsoleApi | null>(null);

/** Makes the bridge (desktop preload or web) available to every screen. */
export function BridgeProvider(props: { bridge: ConsoleApi; children: ReactNode }) {
  return <BridgeContext.Provider value={props.bridge}>{props.children}</BridgeContext.Provider>;
}

/** The bridge of the running console. */
export function useBridge(): ConsoleApi {
  const bridge = useContext(BridgeContext);
  if (bridge === null) throw new Error('useBridge must be used inside <BridgeProvider>');
  return bridge;
}
