import type { AppModule } from './app-module.ts';

export interface SingleInstanceOptions {
  /** Brings the existing window forward when the app is started a second time. */
  onSecondInstance: () => Promise<void>;
}

/**
 * One console per user: a second start hands over to the running one (which comes forward)
 * and quits. Two processes would write the same profiles and window-state files.
 */
export function singleInstance(options: SingleInstanceOptions): AppModule & { readonly isPrimary: () => boolean } {
  let isPrimary = false;
  return {
    name: 'single-instance',
    isPrimary: () => isPrimary,
    enable({ app, logger }) {
      isPrimary = app.requestSingleInstanceLock();
      if (!isPrimary) {
        logger.info({}, 'the console is already running; handing over to it');
        app.quit();
        return;
      }
      app.on('second-instance', () => {
        options.onSecondInstance().catch((error: unknown) => logger.warn({ err: error }, 'could not bring the console window forward'));
      });
    },
  };
}
