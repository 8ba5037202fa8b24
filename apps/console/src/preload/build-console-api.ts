import type { BridgeResult, ConsoleApi } from '#shared/console-api.ts';
import { type ChannelName, IPC_METHODS } from '#shared/ipc-channels.ts';

/** Sends one request to the main process and resolves with its answer (`ipcRenderer.invoke`). */
export type InvokeChannel = (channel: ChannelName, args: readonly unknown[]) => Promise<unknown>;

type BridgeMethod = (...args: unknown[]) => Promise<BridgeResult<unknown>>;

const UNANSWERED: BridgeResult<never> = Object.freeze({
  ok: false,
  error: Object.freeze({ code: 'INTERNAL', message: 'the console main process did not answer this request' }),
});

/**
 * The desktop {@link ConsoleApi}: one method per channel of the IPC contract, each sending
 * exactly its arguments and resolving with the main process's `{ok, data} | {ok: false, error}`
 * (never rejecting). The result is deeply frozen. There is no generic `invoke(channel)`, no
 * access to `ipcRenderer` and no IPC event objects.
 * @example contextBridge.exposeInMainWorld(CONSOLE_API_GLOBAL, buildConsoleApi((channel, args) => ipcRenderer.invoke(channel, ...args)));
 */
export function buildConsoleApi(invoke: InvokeChannel): ConsoleApi {
  const namespaces: Record<string, Readonly<Record<string, BridgeMethod>>> = {};
  for (const [namespace, methods] of Object.entries(IPC_METHODS)) {
    const implementations: Record<string, BridgeMethod> = {};
    for (const method of methods) {
      const channel = `${namespace}.${method}` as ChannelName;
      implementations[method] = async (...args) => {
        try {
          const answer = await invoke(channel, args);
          return isBridgeResult(answer) ? answer : UNANSWERED;
        } catch {
          return UNANSWERED;
        }
      };
    }
    namespaces[namespace] = Object.freeze(implementations);
  }
  return Object.freeze({ kind: 'desktop', ...namespaces }) as unknown as ConsoleApi;
}

function isBridgeResult(value: unknown): value is BridgeResult<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean';
}
