import { AppError, type AppErrorJson, errorReason } from '@dex/shared/errors';
import type { z } from 'zod';
import { type ChannelArgs, type ChannelName, type ChannelResult, IPC_ARGUMENTS } from '#shared/ipc-contract.ts';
import type { MainLogger } from '../main-logger.ts';

/** What `handle()` reads of an `IpcMainInvokeEvent`: who sent the request. */
export interface InvokeEvent {
  readonly sender: { readonly id: number };
  /** The frame that sent it; null once that frame navigated away or was destroyed. */
  readonly senderFrame: { readonly url: string } | null;
}

/** The part of Electron's `ipcMain` that `handle()` uses. */
export interface IpcMainRegistrar {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Which renderers may call the bridge: WebContents the app created, showing the app's own pages. */
export interface SenderTrust {
  /** Whether this WebContents is one of the app's windows. */
  hasWebContents(id: number): boolean;
  /** Whether a frame at this URL may call the bridge (the app's own origin only). */
  isTrustedFrameUrl(url: string): boolean;
}

/** The trusted WebContents ids, kept by the window that owns them. */
export interface TrustedWebContents {
  add(id: number): void;
  delete(id: number): void;
  has(id: number): boolean;
}

/**
 * A mutable set of trusted WebContents ids: a window adds its WebContents when created and
 * removes it when destroyed.
 * @example const trusted = createTrustedWebContents(); trusted.add(window.webContents.id);
 */
export function createTrustedWebContents(): TrustedWebContents {
  const ids = new Set<number>();
  return {
    add: (id) => {
      ids.add(id);
    },
    delete: (id) => {
      ids.delete(id);
    },
    has: (id) => ids.has(id),
  };
}

/** The answer of every channel: the handler's BridgeResult, or the wrapper's refusal. */
export type IpcAnswer<C extends ChannelName> = ChannelResult<C> | { ok: false; error: AppErrorJson };

export interface IpcHandlerRegistry {
  /**
   * Registers the one handler of `channel`. The handler receives arguments already checked
   * against the channel's schema, and only requests from trusted senders.
   */
  handle<C extends ChannelName>(channel: C, handler: (...args: ChannelArgs<C>) => Promise<ChannelResult<C>>): void;
  /** Removes every handler registered here. */
  dispose(): void;
}

export interface CreateIpcHandlerRegistryOptions {
  ipc: IpcMainRegistrar;
  trust: SenderTrust;
  logger: MainLogger;
}

const UNEXPECTED_MESSAGE = 'the console hit an unexpected error; details are in its log';

/**
 * The only way the main process answers IPC: checks the sender (a trusted WebContents showing
 * the app's own page), parses the arguments with the channel's zod schema, calls the handler
 * and always resolves with `{ok: true, data}` or `{ok: false, error}`. A refused sender gets
 * FORBIDDEN and is logged without the request's arguments; bad arguments get BAD_REQUEST
 * naming the argument; an unexpected error becomes INTERNAL without its message or stack.
 * @example
 * const registry = createIpcHandlerRegistry({ ipc: ipcMain, trust, logger });
 * registry.handle('clients.get', (id) => operations.clients.get(id));
 */
export function createIpcHandlerRegistry(options: CreateIpcHandlerRegistryOptions): IpcHandlerRegistry {
  const { ipc, trust, logger } = options;
  const registered = new Set<ChannelName>();

  function isTrusted(event: InvokeEvent): boolean {
    if (!trust.hasWebContents(event.sender.id)) return false;
    const frame = event.senderFrame;
    return frame !== null && trust.isTrustedFrameUrl(frame.url);
  }

  return {
    handle(channel, handler) {
      if (registered.has(channel)) throw new Error(`IPC channel ${channel} already has a handler`);
      const schema: z.ZodType<unknown> = IPC_ARGUMENTS[channel];
      registered.add(channel);
      ipc.handle(channel, async (event, ...args) => {
        if (!isTrusted(event)) {
          logger.warn(
            { channel, senderId: event.sender.id, senderOrigin: originOf(event.senderFrame?.url) },
            'refused IPC from an untrusted sender',
          );
          return refusal(new AppError('FORBIDDEN', { message: 'this window may not use the console bridge' }));
        }
        const parsed = schema.safeParse(args);
        if (!parsed.success) {
          const message = describeIssues(channel, parsed.error.issues);
          logger.debug({ channel, paths: parsed.error.issues.map((issue) => issue.path.join('.')) }, 'refused IPC arguments');
          return refusal(new AppError('BAD_REQUEST', { message }));
        }
        try {
          return await handler(...(parsed.data as ChannelArgs<typeof channel>));
        } catch (error) {
          if (error instanceof AppError) {
            if (!error.expose) logger.error({ channel, code: error.code, reason: errorReason(error) }, 'IPC handler failed');
            return refusal(error);
          }
          logger.error({ channel, err: error }, 'IPC handler failed unexpectedly');
          return { ok: false, error: { code: 'INTERNAL', message: UNEXPECTED_MESSAGE } };
        }
      });
    },
    dispose() {
      for (const channel of registered) ipc.removeHandler(channel);
      registered.clear();
    },
  };
}

function refusal(error: AppError): { ok: false; error: AppErrorJson } {
  return { ok: false, error: error.toJSON() };
}

/** `clients.update: argument 2 (redirectUris): redirectUris must be an array of strings`. */
function describeIssues(channel: ChannelName, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const [index, ...rest] = issue.path;
    if (index === undefined) return issue.code === 'too_big' || issue.code === 'too_small' ? 'wrong number of arguments' : issue.message;
    const where = rest.length === 0 ? `argument ${Number(index) + 1}` : `argument ${Number(index) + 1} (${rest.map(String).join('.')})`;
    return `${where}: ${issue.message}`;
  });
  return `${channel}: ${parts.join('; ')}`;
}

/** Scheme and host only (no path or query), spelled out because Node gives custom schemes the origin `null`. */
function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'unparsable URL';
  }
}
