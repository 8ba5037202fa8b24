import type { ServerResponse } from 'node:http';
import type { AuthSessionRecord, ConnectorIdentity } from '@dex/shared/domain/auth';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import type { WorkerRequest } from '#http/request.ts';
import type { WorkerResponse } from '#http/respond.ts';
import type { RenderError } from '#pages/error-page.ts';

/**
 * A connector (reference §6.1, as TypeScript): it proves who the user is, by a password form
 * or an upstream round trip, and hands the identity to `ConnectorContext.completeLogin`.
 * Its routes live under `<issuer>/auth/<id>/`.
 */
export interface Connector {
  readonly id: string;
  readonly type: TConnectorConfig['type'];
  /** Shown on the chooser page ("Log in with <displayName>"). */
  readonly displayName: string;
  /** Where `/auth` sends the browser once the authorization session exists. */
  loginUrl(session: AuthSessionRecord, hints: LoginHints): string;
  /** Resolves when the connector can log users in (upstream reachable, ...); rejects with the reason. */
  checkHealth?(): Promise<void>;
  /**
   * Handles `<issuer>/auth/<id>/<step>`: each step a connector serves (`login`, `callback`)
   * is an exact path, like every other route. Throws what it does not handle (an unknown step
   * is `NOT_FOUND`, a wrong method 405 with `Allow`, see `connector-pages.ts`).
   */
  handle(step: string, req: WorkerRequest, res: WorkerResponse): Promise<void>;
  /** The methods of each step this connector serves. */
  readonly steps: Readonly<Record<string, readonly string[]>>;
  /**
   * Reads the identity again for a refresh grant (dex v2's `RefreshConnector`), from what the
   * login left in `data` (see `completeLogin`'s `refreshData`): the LDAP entry searched again,
   * the upstream refresh token redeemed. Resolves with the groups now (and new data, when it
   * changed), or `gone` when the upstream says the user no longer exists or may not refresh;
   * rejects when the upstream cannot be asked (unreachable, timed out). Connectors without it
   * keep the identity of the login.
   */
  refresh?(data: RefreshData): Promise<RefreshedIdentity>;
}

/** What a connector keeps for reading an identity again: strings only, sealed at rest. */
export type RefreshData = Readonly<Record<string, string>>;

/** What a connector's `refresh` found. */
export type RefreshedIdentity =
  | { status: 'ok'; groups: string[]; data?: RefreshData }
  | {
      status: 'gone';
      /** For the log: why the upstream refused (never a token). */
      reason: string;
    };

/** What the client's authorization request says about the login a connector runs. */
export interface LoginHints {
  /** `login_hint`: pre-fills a form, or is passed upstream. */
  loginHint?: string | undefined;
  /** The client's `prompt` values: `login` means the user must authenticate again, upstream too. */
  prompts?: ReadonlySet<string> | undefined;
  /** The client's `max_age`: how old (seconds) the user's authentication may be. */
  maxAgeSeconds?: number | undefined;
}

/** What the worker gives every connector. */
export interface ConnectorContext {
  /** The absolute issuer URL (`https://dex.example.com/dex`), for redirect URIs registered upstream. */
  readonly issuer: string;
  readonly issuerName: string;
  /** The issuer URL's path, without a trailing slash (`/dex`). */
  readonly issuerPath: string;
  readonly secureCookies: boolean;
  /**
   * Finishes a login: maps the identity to a dex user, issues the code and redirects the
   * browser to the client (or renders an error page).
   */
  completeLogin(options: {
    sessionId: string;
    connectorId: string;
    identity: ConnectorIdentity;
    /** What the connector's `refresh` needs later; kept sealed in the user's offline session at the connector. */
    refreshData?: RefreshData;
    /** The browser's address, for the login event. */
    clientAddress: string;
    res: ServerResponse;
  }): Promise<void>;
  renderError: RenderError;
  /** Which account pages the local connector's form links to: `/register` (`--enable-registration`), `/send-reset-password` (an emailer is set). */
  readonly accountPages?: { registration: boolean; passwordReset: boolean };
}

export type ConnectorFactory = (config: TConnectorConfig, context: ConnectorContext) => Connector;
