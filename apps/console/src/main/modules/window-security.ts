import { type Session, session, shell, type WebContents } from 'electron';
import { decideWindowOpen, isNavigationAllowed } from '../window/navigation-rules.ts';
import type { AppModule } from './app-module.ts';

export interface WindowSecurityOptions {
  /** Origins whose https links open in the system browser (default: the project's documentation). */
  externalOrigins?: readonly string[];
}

/**
 * Applies the navigation rules to every WebContents the app creates: no navigation or
 * redirect away from `app://console`, no new windows (allow-listed https links go to the
 * system browser instead), no `<webview>`; and refuses every permission request (camera,
 * notifications, geolocation, ...) of the default session.
 */
export function windowSecurity(options: WindowSecurityOptions = {}): AppModule {
  return {
    name: 'window-security',
    enable({ app, logger }) {
      const refuseNavigation = (kind: string) => (event: { url: string; preventDefault(): void }) => {
        if (isNavigationAllowed(event.url)) return;
        event.preventDefault();
        logger.warn({ kind, target: describeTarget(event.url) }, 'blocked a navigation away from the console');
      };

      app.on('web-contents-created', (_event, contents: WebContents) => {
        contents.on('will-navigate', refuseNavigation('will-navigate'));
        contents.on('will-frame-navigate', refuseNavigation('will-frame-navigate'));
        contents.on('will-redirect', refuseNavigation('will-redirect'));
        contents.on('will-attach-webview', (event) => {
          event.preventDefault();
          logger.warn({}, 'blocked a <webview>');
        });
        contents.setWindowOpenHandler(({ url }) => {
          const decision = decideWindowOpen(url, options.externalOrigins);
          if (decision.openExternally === null) {
            logger.warn({ target: describeTarget(url) }, 'blocked a new window');
          } else {
            shell.openExternal(decision.openExternally).catch((error: unknown) => {
              logger.warn({ err: error }, 'the system browser could not open a link');
            });
          }
          return { action: decision.action };
        });
      });

      void app.whenReady().then(() => denyPermissions(session.defaultSession));
    },
  };
}

function denyPermissions(target: Session): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
}

/** Scheme and host only: a URL's path or query may carry tokens. */
function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'unparsable URL';
  }
}
