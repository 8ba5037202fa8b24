import {
  ZCreateClientRequest,
  ZConnectorTestRequest,
  ZCreateConnectorRequest,
  ZCreateUserRequest,
  ZListAuditEventsQuery,
  ZListLoginEventsQuery,
  ZListClientsQuery,
  ZListUsersQuery,
  ZRotateKeysRequest,
  ZUpdateClientRequest,
  ZUpdateConnectorRequest,
  ZUpdateUserRequest,
} from '@dex/shared/admin-api';
import { z } from 'zod';
import type { ChannelArgs, ChannelName } from './ipc-channels.ts';

export * from './ipc-channels.ts';

/**
 * The desktop bridge's IPC contract: one channel per {@link ConsoleApi} method, named
 * `<namespace>.<method>` (`clients.list`), with the zod schema its arguments must pass in
 * the main process. The preload script builds `window.consoleApi` from `IPC_METHODS`;
 * the main process registers exactly one handler per channel through `handle()`.
 *
 * Every schema is a tuple: a channel takes exactly the arguments of its method, no more.
 *
 * (`ConsoleApi` is in `console-api.ts`.)
 */

// ---------------------------------------------------------------------------------------
// Argument schemas (checked in the main process, never trusted from the renderer).

const ID_MESSAGE = 'id must be a non-empty string of at most 255 characters';
/** An id as the admin API takes it in a path segment. */
const zId = z.string({ error: ID_MESSAGE }).min(1, { error: ID_MESSAGE }).max(255, { error: ID_MESSAGE });

/** The admin API's page sizes (`PAGE_LIMIT` of the contract's paging rules). */
const PAGE_LIMIT = { min: 1, max: 100 } as const;
const LIMIT_MESSAGE = `limit must be an integer from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`;
/** The bridge's `limit`: a number (the admin API carries it as text). */
const zLimit = z.int({ error: LIMIT_MESSAGE }).min(PAGE_LIMIT.min, { error: LIMIT_MESSAGE }).max(PAGE_LIMIT.max, { error: LIMIT_MESSAGE });

/** A list query of the admin API contract with `limit` as a number; omitted `limit` stays omitted. */
function bridgeListQuery<S extends z.ZodObject>(query: S) {
  return query.omit({ limit: true }).extend({ limit: zLimit.optional() });
}

export const ZBridgeListClientsQuery = bridgeListQuery(ZListClientsQuery);
export const ZBridgeListUsersQuery = bridgeListQuery(ZListUsersQuery);
export const ZBridgeListAuditEventsQuery = bridgeListQuery(ZListAuditEventsQuery);
export const ZBridgeListLoginEventsQuery = bridgeListQuery(ZListLoginEventsQuery);

const NAME_MESSAGE = 'name must be 1 to 100 characters';
const SECRET_MESSAGE = 'the admin API secret must be 1 to 4096 printable ASCII characters (no spaces)';

/** The admin API secret as the admin client sends it (an `Authorization` header value). */
export const ZAdminSecret = z
  .string({ error: SECRET_MESSAGE })
  .min(1, { error: SECRET_MESSAGE })
  .max(4096, { error: SECRET_MESSAGE })
  .regex(/^[\x21-\x7e]+$/, { error: SECRET_MESSAGE });

/** `profiles.save`: the URL is checked further by the profile store (scheme, no credentials). */
export const ZSaveProfileInput = z.strictObject(
  {
    id: zId.optional(),
    name: z.string({ error: NAME_MESSAGE }).trim().min(1, { error: NAME_MESSAGE }).max(100, { error: NAME_MESSAGE }),
    baseUrl: z.string({ error: 'baseUrl must be a string' }).max(2048, { error: 'baseUrl must be at most 2048 characters' }),
    secret: ZAdminSecret.optional(),
  },
  { error: 'the profile must be an object with name, baseUrl and optionally id and secret' },
);

/** `connection.connect`: a saved profile, and optionally a secret to use instead of the saved one (not saved). */
export const ZConnectInput = z.strictObject(
  { profileId: zId, secret: ZAdminSecret.optional() },
  { error: 'connect takes an object with profileId and optionally secret' },
);

/** `signIn.withDex`: a saved profile. */
export const ZDexSignInInput = z.strictObject({ profileId: zId }, { error: 'signIn.withDex takes an object with profileId' });

const none = z.tuple([]);

/** Each channel's argument tuple. The mapped type makes a missing channel a compile error. */
export const IPC_ARGUMENTS: { readonly [C in ChannelName]: z.ZodType<ChannelArgs<C>, unknown> } = {
  'profiles.list': none,
  'profiles.save': z.tuple([ZSaveProfileInput]),
  'profiles.remove': z.tuple([zId]),

  'signIn.withDex': z.tuple([ZDexSignInInput]),
  'signIn.cancel': none,

  'connection.current': none,
  'connection.connect': z.tuple([ZConnectInput]),
  'connection.disconnect': none,

  'overview.health': none,
  'overview.state': none,
  'overview.processes': none,

  'clients.list': z.tuple([ZBridgeListClientsQuery.optional()]),
  'clients.get': z.tuple([zId]),
  'clients.create': z.tuple([ZCreateClientRequest]),
  'clients.update': z.tuple([zId, ZUpdateClientRequest]),
  'clients.remove': z.tuple([zId]),
  'clients.rotateSecret': z.tuple([zId]),

  'connectors.list': none,
  'connectors.get': z.tuple([zId]),
  'connectors.create': z.tuple([ZCreateConnectorRequest]),
  'connectors.update': z.tuple([zId, ZUpdateConnectorRequest]),
  'connectors.remove': z.tuple([zId]),
  'connectors.validate': z.tuple([z.unknown()]),
  'connectors.test': z.tuple([ZConnectorTestRequest]),

  'keys.list': none,
  'keys.rotate': z.tuple([ZRotateKeysRequest.optional()]),

  'users.list': z.tuple([ZBridgeListUsersQuery.optional()]),
  'users.get': z.tuple([zId]),
  'users.create': z.tuple([ZCreateUserRequest]),
  'users.update': z.tuple([zId, ZUpdateUserRequest]),
  'users.remove': z.tuple([zId]),
  'users.disable': z.tuple([zId]),
  'users.enable': z.tuple([zId]),
  'users.revokeTokens': z.tuple([zId]),
  'users.sendInvitation': z.tuple([zId]),
  'users.sendPasswordReset': z.tuple([zId]),

  'audit.list': z.tuple([ZBridgeListAuditEventsQuery.optional()]),

  'events.list': z.tuple([ZBridgeListLoginEventsQuery.optional()]),
};
