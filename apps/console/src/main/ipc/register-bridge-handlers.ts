import { type BridgeNamespaces, type ChannelName, IPC_CHANNELS } from '#shared/ipc-contract.ts';
import type { IpcHandlerRegistry } from './handle.ts';

type AnyBridgeMethod = (...args: unknown[]) => Promise<never>;

/**
 * Registers one handler per channel of the contract, each calling its bridge method.
 * @example registerBridgeHandlers(registry, createDesktopBridge({ profiles, connections }));
 */
export function registerBridgeHandlers(registry: IpcHandlerRegistry, bridge: BridgeNamespaces): void {
  for (const channel of IPC_CHANNELS) registry.handle(channel, bridgeMethod(bridge, channel));
}

/** The bridge method behind a channel (`clients.list` → `bridge.clients.list`), bound to its namespace. */
function bridgeMethod(bridge: BridgeNamespaces, channel: ChannelName): AnyBridgeMethod {
  const [namespace, method] = channel.split('.') as [keyof BridgeNamespaces, string];
  const methods = bridge[namespace] as unknown as Record<string, AnyBridgeMethod>;
  const implementation = methods[method];
  if (implementation === undefined) throw new Error(`the desktop bridge has no method for the channel ${channel}`);
  return (...args) => implementation.apply(methods, args);
}
