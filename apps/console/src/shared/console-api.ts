import type {
  TAuditEventList,
  TListLoginEventsQuery,
  TLoginEventList,
  TClient,
  TClientList,
  TClientSecret,
  TConnector,
  TConnectorList,
  TConnectorTestRequest,
  TConnectorTestResult,
  TConnectorValidation,
  TCreateClientRequest,
  TCreateConnectorRequest,
  TCreatedClient,
  TCreatedUser,
  TCreateUserRequest,
  THealth,
  TListAuditEventsQuery,
  TListClientsQuery,
  TListUsersQuery,
  TProcessList,
  TRevokeUserTokensResult,
  TSentUserEmail,
  TRotateKeysRequest,
  TRotateKeysResult,
  TSigningKeyList,
  TState,
  TUpdateClientRequest,
  TUpdateConnectorRequest,
  TUpdateUserRequest,
  TUser,
  TUserList,
} from '@dex/shared/admin-api';
import type { AppErrorJson } from '@dex/shared/errors';

/**
 * The console's bridge: the one surface through which the renderer reaches an overlord.
 *
 * Two implementations exist behind this one type:
 * - **desktop** (Electron): the preload script exposes it as `window.consoleApi`; every call is
 *   an IPC request that the main process validates (zod) and answers with the admin API client
 *   of `src/shared/admin-client.ts`. Connection profiles and their secrets live in the main
 *   process (secrets encrypted with `safeStorage`) and never reach the renderer.
 * - **web**: the same renderer served by the overlord at `/console`; calls go to the same
 *   origin's admin API with `fetch`; the secret entered at sign-in is exchanged once for the
 *   overlord's session cookie (HttpOnly), and the page keeps no secret.
 *
 * Every method resolves (never rejects) with a {@link BridgeResult}; the renderer's query
 * functions turn `ok: false` into `AppError.fromJSON(error)`.
 */
export type BridgeResult<T> = { ok: true; data: T } | { ok: false; error: AppErrorJson };

/** Which implementation is behind the bridge. */
export type BridgeKind = 'desktop' | 'web';

/** A saved connection to one overlord. The secret is never part of it. */
export interface ConnectionProfile {
  id: string;
  /** What the admin calls this deployment ("production", "staging"). */
  name: string;
  /** The overlord's admin API base URL (`--admin-listen`). */
  baseUrl: string;
}

/** What `profiles.save` takes: a new profile (no `id`) or changes to one; `secret` only when set or changed. */
export interface SaveProfileInput {
  id?: string;
  name: string;
  baseUrl: string;
  secret?: string;
}

/** The connection the other namespaces use, once `connection.connect` succeeded. */
export interface ActiveConnection {
  profile: ConnectionProfile;
  /** The overlord's state at connect time (database kind, version, counts). */
  state: TState;
  /** Who the overlord's session acts as (the audit log's actor): the admin's email, or `break-glass`. Absent when a desktop profile uses its stored admin secret. */
  signedInAs?: string;
}

/** `connection.connect`: desktop connects a saved profile with its stored secret; web sends the secret typed at sign-in. */
export interface ConnectInput {
  profileId: string;
  secret?: string;
}

/** `signIn.withDex`: the saved profile (overlord) to sign in to through dex. */
export interface DexSignInInput {
  profileId: string;
}

/**
 * Desktop only: "Sign in with dex". The main process asks the profile's overlord for its
 * console issuer, signs in in the system browser (RFC 8252 loopback redirect, PKCE), and
 * exchanges the ID token for a console session that it keeps (encrypted with the OS
 * keychain) and never hands to the renderer.
 */
export interface DexSignInApi {
  withDex(input: DexSignInInput): Promise<BridgeResult<ActiveConnection>>;
  /** Gives up the sign-in waiting for the browser: `withDex` then answers UNAUTHORIZED "the sign-in was cancelled". */
  cancel(): Promise<BridgeResult<void>>;
}

/** Saved profiles. Desktop only: the web bridge has one implicit profile (its own origin). */
export interface ProfilesApi {
  list(): Promise<BridgeResult<ConnectionProfile[]>>;
  save(input: SaveProfileInput): Promise<BridgeResult<ConnectionProfile>>;
  remove(id: string): Promise<BridgeResult<void>>;
}

export interface ConnectionApi {
  /** The current connection, or null before sign-in (web: also after the tab's session ended). */
  current(): Promise<BridgeResult<ActiveConnection | null>>;
  /** Checks the secret against the overlord (`GET /api/v1/state`) and makes this the connection. */
  connect(input: ConnectInput): Promise<BridgeResult<ActiveConnection>>;
  /** Forgets the connection (web: also the secret; desktop signed in through dex: ends the session at the overlord). */
  disconnect(): Promise<BridgeResult<void>>;
}

/** A list query as the bridge takes it: `limit` as a number. */
export type BridgeListQuery<Q extends { limit?: unknown }> = Omit<Q, 'limit'> & { limit?: number };

export interface ConsoleApi {
  readonly kind: BridgeKind;
  /** Present on desktop only. */
  readonly profiles?: ProfilesApi;
  /** Present on desktop only. */
  readonly signIn?: DexSignInApi;
  readonly connection: ConnectionApi;
  readonly overview: {
    /** `GET /health` (public). */
    health(): Promise<BridgeResult<THealth>>;
    /** `GET /api/v1/state`. */
    state(): Promise<BridgeResult<TState>>;
    /** `GET /api/v1/processes`: every worker and overlord from its heartbeat. */
    processes(): Promise<BridgeResult<TProcessList>>;
  };
  readonly clients: {
    list(query?: BridgeListQuery<TListClientsQuery>): Promise<BridgeResult<TClientList>>;
    get(id: string): Promise<BridgeResult<TClient>>;
    /** The only answer that carries the client secret. */
    create(request: TCreateClientRequest): Promise<BridgeResult<TCreatedClient>>;
    update(id: string, changes: TUpdateClientRequest): Promise<BridgeResult<TClient>>;
    remove(id: string): Promise<BridgeResult<void>>;
    /** The new secret, shown once. */
    rotateSecret(id: string): Promise<BridgeResult<TClientSecret>>;
  };
  readonly connectors: {
    list(): Promise<BridgeResult<TConnectorList>>;
    get(id: string): Promise<BridgeResult<TConnector>>;
    create(request: TCreateConnectorRequest): Promise<BridgeResult<TConnector>>;
    update(id: string, changes: TUpdateConnectorRequest): Promise<BridgeResult<TConnector>>;
    remove(id: string): Promise<BridgeResult<void>>;
    /** One config or a list; nothing is saved. */
    validate(input: unknown): Promise<BridgeResult<TConnectorValidation>>;
    /** "Test connection": the overlord's real checks of a config (saved or not), step by step; nothing is saved. */
    test(request: TConnectorTestRequest): Promise<BridgeResult<TConnectorTestResult>>;
  };
  readonly keys: {
    list(): Promise<BridgeResult<TSigningKeyList>>;
    /**
     * Publish-first by default (the new key signs after the overlord's publish delay; the
     * answer's `activatesAt` says when); `{ mode: 'immediate' }` for a leaked key.
     */
    rotate(request?: TRotateKeysRequest): Promise<BridgeResult<TRotateKeysResult>>;
  };
  readonly users: {
    list(query?: BridgeListQuery<TListUsersQuery>): Promise<BridgeResult<TUserList>>;
    get(id: string): Promise<BridgeResult<TUser>>;
    /** With `sendInvitation`, `invitation` says whether the email went out (or carries the link). */
    create(request: TCreateUserRequest): Promise<BridgeResult<TCreatedUser>>;
    update(id: string, changes: TUpdateUserRequest): Promise<BridgeResult<TUser>>;
    /** Deletes the user with their credentials, tokens and sessions. */
    remove(id: string): Promise<BridgeResult<void>>;
    disable(id: string): Promise<BridgeResult<TUser>>;
    enable(id: string): Promise<BridgeResult<TUser>>;
    revokeTokens(id: string): Promise<BridgeResult<TRevokeUserTokensResult>>;
    /** Emails an "Activate your account" link (or returns it when the overlord has no emailer). */
    sendInvitation(id: string): Promise<BridgeResult<TSentUserEmail>>;
    /** Emails a password-reset link (or returns it when the overlord has no emailer). */
    sendPasswordReset(id: string): Promise<BridgeResult<TSentUserEmail>>;
  };
  readonly audit: {
    list(query?: BridgeListQuery<TListAuditEventsQuery>): Promise<BridgeResult<TAuditEventList>>;
  };
  readonly events: {
    list(query?: BridgeListQuery<TListLoginEventsQuery>): Promise<BridgeResult<TLoginEventList>>;
  };
}

/** Where the preload script puts the desktop bridge, and where the web entry puts its own. */
export const CONSOLE_API_GLOBAL = 'consoleApi';
