import type { BridgeResult, ConsoleApi } from './console-api.ts';

/**
 * The channels of the desktop bridge: one per {@link ConsoleApi} method, named
 * `<namespace>.<method>` (`clients.list`). This file has no runtime dependencies, so the
 * sandboxed preload script stays small; the argument schemas are in `ipc-contract.ts`.
 */

/** The namespaces of the bridge (every member of {@link ConsoleApi} but `kind`), none optional. */
export type BridgeNamespaces = { [N in Exclude<keyof ConsoleApi, 'kind'>]-?: NonNullable<ConsoleApi[N]> };
export type BridgeNamespace = keyof BridgeNamespaces;
type MethodOf<N extends BridgeNamespace> = keyof BridgeNamespaces[N] & string;

/** Every channel: `profiles.list`, `clients.rotateSecret`, ... */
export type ChannelName = { [N in BridgeNamespace]: `${N}.${MethodOf<N>}` }[BridgeNamespace];

type MethodOfChannel<C extends ChannelName> = C extends `${infer N extends BridgeNamespace}.${infer M}`
  ? M extends MethodOf<N>
    ? BridgeNamespaces[N][M]
    : never
  : never;

/** The arguments a channel takes (those of its bridge method). */
export type ChannelArgs<C extends ChannelName> = MethodOfChannel<C> extends (...args: infer A) => unknown ? A : never;
/** What a channel answers: the {@link BridgeResult} of its bridge method. */
export type ChannelResult<C extends ChannelName> = MethodOfChannel<C> extends (...args: never[]) => Promise<infer R> ? R : never;
/** The data of a successful answer. */
export type ChannelData<C extends ChannelName> = ChannelResult<C> extends BridgeResult<infer T> ? T : never;

/** Whether two types are the same (used to prove the method lists below complete). */
type IsExactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The methods of each namespace, in the order the preload script defines them. The type
 * check below fails to compile when a method of {@link ConsoleApi} is missing here.
 */
export const IPC_METHODS = {
  profiles: ['list', 'save', 'remove'],
  signIn: ['withDex', 'cancel'],
  connection: ['current', 'connect', 'disconnect'],
  overview: ['health', 'state', 'processes'],
  clients: ['list', 'get', 'create', 'update', 'remove', 'rotateSecret'],
  connectors: ['list', 'get', 'create', 'update', 'remove', 'validate', 'test'],
  keys: ['list', 'rotate'],
  users: ['list', 'get', 'create', 'update', 'remove', 'disable', 'enable', 'revokeTokens', 'sendInvitation', 'sendPasswordReset'],
  audit: ['list'],
  events: ['list'],
} as const satisfies { [N in BridgeNamespace]: readonly MethodOf<N>[] };

type ListedChannel = { [N in keyof typeof IPC_METHODS]: `${N}.${(typeof IPC_METHODS)[N][number]}` }[keyof typeof IPC_METHODS];
/** Compile-time proof that {@link IPC_METHODS} names every method of every namespace. */
const EVERY_METHOD_IS_LISTED: IsExactly<ListedChannel, ChannelName> = true;
void EVERY_METHOD_IS_LISTED;

/** Every channel name, namespace by namespace. */
export const IPC_CHANNELS: readonly ChannelName[] = Object.freeze(
  Object.entries(IPC_METHODS).flatMap(([namespace, methods]) => methods.map((method) => `${namespace}.${method}` as ChannelName)),
);
