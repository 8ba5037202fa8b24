import type { App } from 'electron';
import type { MainLogger } from '../main-logger.ts';

/** What every module gets: the Electron app and the main process's logger. */
export interface ModuleContext {
  readonly app: App;
  readonly logger: MainLogger;
}

/**
 * One concern of the main process (window security, window state, the IPC bridge, ...).
 * `enable` runs once, in order, before the app is ready; a module that needs `ready` awaits
 * `app.whenReady()` itself. Modules hook into Electron's own events instead of calling each other.
 */
export interface AppModule {
  readonly name: string;
  enable(context: ModuleContext): void | Promise<void>;
}

/**
 * Enables the modules one after another, in the given order.
 * @example await enableModules({ app, logger }, [singleInstance(), appProtocol({ root }), windowSecurity()]);
 */
export async function enableModules(context: ModuleContext, modules: readonly AppModule[]): Promise<void> {
  for (const module of modules) {
    await module.enable(context);
    context.logger.debug({ module: module.name }, 'module enabled');
  }
}
