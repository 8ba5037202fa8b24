import { z } from 'zod';
import { ZPageCursor, ZPageLimit } from './paging.ts';

export { redirectUriProblem } from '#domain/clients/types.ts';

/**
 * The clients part of the admin API contract (served by the overlord, used by dexctl and the
 * console). The REST endpoints use the names below; `POST /api/v1/client` keeps dex v0's
 * shape (reference §3.1). No response ever carries a client secret or its hash, except the
 * one that creates or rotates it.
 */
export const CLIENTS_API_PATHS = {
  clients: '/api/v1/clients',
  clientById: '/api/v1/clients/:id',
  clientSecret: '/api/v1/clients/:id/secret',
  /** dex v0.4.0+ `POST /api/v1/client`. */
  v0Client: '/api/v1/client',
} as const;

const BODY_ERROR = 'the request body must be a JSON object';
const zHttpUrl = (field: string) => z.url({ protocol: /^https?$/, error: `${field} must be an http(s) URL` });
const zBoolean = (field: string) => z.boolean({ error: `${field} must be a boolean` });
const zStrings = (field: string, options: { nonEmpty?: boolean } = {}) => {
  const message = `${field} must be an array of ${options.nonEmpty ? 'non-empty ' : ''}strings`;
  const item = z.string({ error: message });
  return z.array(options.nonEmpty ? item.min(1, message) : item, {
    error: (issue) => (issue.input === undefined ? `${field} is required` : message),
  });
};
const zName = z.string({ error: 'name must be a string' }).max(255, 'name must be at most 255 characters');
const zTimestamp = z.iso.datetime();
const zAccessTokenFormat = z.enum(['opaque', 'jwt'], { error: 'accessTokenFormat must be "opaque" or "jwt"' });

/** A client as the admin API shows it. */
export const ZClient = z.object({
  id: z.string(),
  name: z.string(),
  logoUri: z.string().nullable(),
  clientUri: z.string().nullable(),
  redirectUris: z.array(z.string()),
  trustedPeers: z.array(z.string()),
  admin: z.boolean(),
  public: z.boolean(),
  /** Logins skip the approval screen. */
  trusted: z.boolean(),
  /** Created through dynamic registration (always asks for approval). */
  registered: z.boolean(),
  /** `opaque` access tokens, or RFC 9068 JWTs signed with the signing key (`jwt`). */
  accessTokenFormat: z.enum(['opaque', 'jwt']),
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type TClient = z.infer<typeof ZClient>;

/**
 * `GET /api/v1/clients?q=&limit=&cursor=`: clients ordered by id. `q` matches id or name
 * (case-insensitive substring); `cursor` is the `nextCursor` of the previous page, opaque to
 * callers. Each parameter may be given once; unknown parameters are refused.
 */
export const ZListClientsQuery = z.strictObject({
  q: z.string({ error: 'q must be a single string' }).max(200, { error: 'q must be at most 200 characters' }).optional(),
  limit: ZPageLimit,
  cursor: ZPageCursor.optional(),
});
export type TListClientsQuery = z.input<typeof ZListClientsQuery>;

/** One page of clients; `total` counts every match of `q`; `nextCursor` is null on the last page. */
export const ZClientList = z.object({
  items: z.array(ZClient),
  total: z.number().int().nonnegative(),
  nextCursor: z.string().nullable(),
});
export type TClientList = z.infer<typeof ZClientList>;

/**
 * `POST /api/v1/clients`. The id is generated when omitted. A confidential client needs at
 * least one http(s) redirect URI, a public client a name.
 */
export const ZCreateClientRequest = z.strictObject(
  {
    id: z.string({ error: 'id must be a string' }).optional(),
    name: zName.optional(),
    redirectUris: zStrings('redirectUris'),
    logoUri: zHttpUrl('logoUri').nullable().optional(),
    clientUri: zHttpUrl('clientUri').nullable().optional(),
    admin: zBoolean('admin').optional(),
    public: zBoolean('public').optional(),
    trusted: zBoolean('trusted').optional(),
    accessTokenFormat: zAccessTokenFormat.optional(),
    trustedPeers: zStrings('trustedPeers', { nonEmpty: true }).optional(),
  },
  { error: BODY_ERROR },
);
export type TCreateClientRequest = z.infer<typeof ZCreateClientRequest>;

/** 201 to `POST /api/v1/clients`: the only response that shows the secret; a public client has none (no `secret`). */
export const ZCreatedClient = z.object({ client: ZClient, secret: z.string().optional() });
export type TCreatedClient = z.infer<typeof ZCreatedClient>;

/**
 * `PATCH /api/v1/clients/:id`: the fields to change (at least one). Lists replace the stored
 * ones; `null` clears `logoUri`/`clientUri`. The result is validated as a create is.
 */
export const ZUpdateClientRequest = z
  .strictObject(
    {
      name: zName.optional(),
      redirectUris: zStrings('redirectUris').optional(),
      logoUri: zHttpUrl('logoUri').nullable().optional(),
      clientUri: zHttpUrl('clientUri').nullable().optional(),
      admin: zBoolean('admin').optional(),
      public: zBoolean('public').optional(),
      trusted: zBoolean('trusted').optional(),
      accessTokenFormat: zAccessTokenFormat.optional(),
      trustedPeers: zStrings('trustedPeers', { nonEmpty: true }).optional(),
    },
    { error: BODY_ERROR },
  )
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    error:
      'nothing to update: send at least one of name, redirectUris, logoUri, clientUri, admin, public, trusted, accessTokenFormat, trustedPeers',
  });
export type TUpdateClientRequest = z.infer<typeof ZUpdateClientRequest>;

/** `POST /api/v1/clients/:id/secret`: the new secret, shown once; the old one no longer works. */
export const ZClientSecret = z.object({ secret: z.string() });
export type TClientSecret = z.infer<typeof ZClientSecret>;

const zV0Uri = (field: string) =>
  z.union([z.literal(''), zHttpUrl(`client.${field}`)], { error: `client.${field} must be an http(s) URL` });

/**
 * A client in dex v0 JSON (`adminschema.Client`). Unknown fields are ignored, as Go's decoder
 * does; empty strings mean "not set".
 */
export const ZV0Client = z.object(
  {
    id: z.string({ error: 'client.id must be a string' }).optional(),
    /** A chosen secret, base64url (padding allowed); clients present it as given. */
    secret: z
      .string({ error: 'client.secret must be a string' })
      .regex(/^[A-Za-z0-9_-]*={0,2}$/, 'client.secret must be base64url')
      .optional(),
    isAdmin: zBoolean('client.isAdmin').optional(),
    redirectURIs: zStrings('client.redirectURIs').optional(),
    clientName: z.string({ error: 'client.clientName must be a string' }).optional(),
    logoURI: zV0Uri('logoURI').optional(),
    clientURI: zV0Uri('clientURI').optional(),
    trustedPeers: zStrings('client.trustedPeers', { nonEmpty: true }).optional(),
    public: zBoolean('client.public').optional(),
  },
  { error: 'client must be a JSON object' },
);
export type TV0Client = z.infer<typeof ZV0Client>;

/** dex v0 `POST /api/v1/client` body (`ClientCreateRequest`). */
export const ZV0CreateClientRequest = z.object(
  {
    client: ZV0Client.nullish().transform((client, ctx) => {
      if (client !== null && client !== undefined) return client;
      ctx.addIssue({ code: 'custom', message: 'client is required' });
      return z.NEVER;
    }),
  },
  { error: BODY_ERROR },
);
export type TV0CreateClientRequest = z.infer<typeof ZV0CreateClientRequest>;

/** dex v0 `POST /api/v1/client` 200 response (`ClientCreateResponse`): the client with its id and secret. */
export const ZV0CreateClientResponse = z.object({
  client: ZV0Client.extend({ id: z.string(), secret: z.string().optional(), redirectURIs: z.array(z.string()) }),
});
export type TV0CreateClientResponse = z.infer<typeof ZV0CreateClientResponse>;
