import { z } from 'zod';
import { MASKED_SECRET } from '#domain/connectors/connector-secrets.ts';

/**
 * The connectors part of the admin API contract. `GET` and `PUT /api/v1/connectors` keep
 * dex v0's shapes (reference §3.1); the rest is REST on single connectors.
 *
 * **Secrets are write-only.** In every response, the value of each secret field (a name
 * containing `secret`, `password` or `passwd`, or ending in `pw`, any case: `clientSecret`,
 * `searchBindPw`, `bindPW`) is replaced by `MASKED_SECRET` (`"********"`). In a `PUT`,
 * `POST` or `PATCH`, a secret field whose value is `MASKED_SECRET` keeps the secret stored
 * for that connector (same id and type), so a config read back can be written back
 * unchanged; with nothing stored to keep, the write is refused (400).
 *
 * Differences from v0: `GET /api/v1/connectors` includes `type` in each config (v0 dropped
 * it, so its output could not be written back) and masks secrets (v0 returned them).
 */
export const CONNECTORS_API_PATHS = {
  /** GET (v0 list, plus REST `items`), PUT (v0: replace all), POST (REST: add one). */
  connectors: '/api/v1/connectors',
  connectorById: '/api/v1/connectors/:id',
  validate: '/api/v1/connectors/validate',
  /** POST: "Test connection" for a config (saved or not); saves nothing. */
  test: '/api/v1/connectors/test',
} as const;

export { MASKED_SECRET };

const zTimestamp = z.iso.datetime();
const BODY_ERROR = 'the request body must be a JSON object';
const POSITION_MESSAGE = 'position must be a non-negative integer';
const zPosition = z.int({ error: POSITION_MESSAGE }).min(0, POSITION_MESSAGE);

/**
 * A dex v0 connector config (`{"type":"github","id":"github","clientID":…}`): `type`, `id`
 * and the fields of that type (reference §6.2). The server validates the fields per type.
 */
export const ZConnectorConfigJson = z.looseObject({ type: z.string(), id: z.string() });
export type TConnectorConfigJson = z.infer<typeof ZConnectorConfigJson>;

/** A connector as the REST endpoints show it; `config` is the whole v0 config, secrets masked. */
export const ZConnector = z.object({
  id: z.string(),
  type: z.string(),
  /** 0-based place on the login page; the list order is position, then id. */
  position: z.number().int().nonnegative(),
  config: ZConnectorConfigJson,
  createdAt: zTimestamp,
  updatedAt: zTimestamp,
});
export type TConnector = z.infer<typeof ZConnector>;

/**
 * `GET /api/v1/connectors`: v0's `connectors` (the configs in login-page order) plus `items`,
 * the same connectors as `TConnector`. No paging: installations have a handful.
 */
export const ZConnectorList = z.object({ connectors: z.array(ZConnectorConfigJson), items: z.array(ZConnector) });
export type TConnectorList = z.infer<typeof ZConnectorList>;

/** `PUT /api/v1/connectors` (v0): replaces every connector, in this order. Answers 200 with an empty body. */
export const ZReplaceConnectorsRequest = z.object(
  {
    connectors: z.array(z.unknown(), {
      error: (issue) => (issue.input === undefined ? 'connectors is required' : 'connectors must be an array of connector configs'),
    }),
  },
  { error: BODY_ERROR },
);
export type TReplaceConnectorsRequest = z.infer<typeof ZReplaceConnectorsRequest>;

/**
 * `POST /api/v1/connectors` (201, `TConnector`): one v0 config, plus an optional `position`
 * (default: the end) that is not stored in the config.
 */
export const ZCreateConnectorRequest = z.looseObject({ position: zPosition.optional() }, { error: BODY_ERROR });
export type TCreateConnectorRequest = z.infer<typeof ZCreateConnectorRequest>;

/**
 * `PATCH /api/v1/connectors/:id` (`TConnector`): top-level config fields to change (`null`
 * removes an optional field; `id` and `type` cannot change) and/or a new `position`. The
 * merged config is validated with the schema of its type.
 */
export const ZUpdateConnectorRequest = z
  .looseObject({ position: zPosition.optional() }, { error: BODY_ERROR })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    error: 'nothing to update: send config fields to change or a position',
  });
export type TUpdateConnectorRequest = z.infer<typeof ZUpdateConnectorRequest>;

/** One problem found by `POST /api/v1/connectors/validate`: a dotted path (`clientSecret`, `1.id` in a list) and what is wrong. */
export const ZConnectorProblem = z.object({ path: z.string(), message: z.string() });
export type TConnectorProblem = z.infer<typeof ZConnectorProblem>;

/**
 * `POST /api/v1/connectors/validate` takes one config or an array (a `PUT` body's
 * `connectors`) and answers 200 either way, saving nothing.
 */
export const ZConnectorValidation = z.discriminatedUnion('valid', [
  z.object({ valid: z.literal(true) }),
  z.object({ valid: z.literal(false), errors: z.array(ZConnectorProblem) }),
]);
export type TConnectorValidation = z.infer<typeof ZConnectorValidation>;

/**
 * `POST /api/v1/connectors/test`: one config in the shape `POST /api/v1/connectors` takes
 * (an optional `position` is ignored). Secrets sent masked are taken from the connector saved
 * under the same id, so a saved connector can be tested from its form. An invalid config is
 * a 400 `{code, message}`.
 */
export const ZConnectorTestRequest = ZCreateConnectorRequest;
export type TConnectorTestRequest = z.infer<typeof ZConnectorTestRequest>;

/** One step of a connection test: what was tried, whether it worked, what happened (no secrets), how long it took. */
export const ZConnectorTestStep = z.object({
  name: z.string(),
  ok: z.boolean(),
  message: z.string(),
  elapsedMs: z.number().int().nonnegative(),
});
export type TConnectorTestStep = z.infer<typeof ZConnectorTestStep>;

/**
 * The answer of `POST /api/v1/connectors/test` (200 whether the connection works or not):
 * the steps in order, up to the first that failed. OIDC: fetch the discovery document, check
 * the issuer, fetch the JWKS. LDAP: read the TLS files, connect (StartTLS or LDAPS when
 * configured), bind as the service account (or anonymously), search under the base DN.
 */
export const ZConnectorTestResult = z.object({ ok: z.boolean(), steps: z.array(ZConnectorTestStep) });
export type TConnectorTestResult = z.infer<typeof ZConnectorTestResult>;
