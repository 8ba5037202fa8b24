import { z } from 'zod';

/** Paths of the deployment's live processes. */
export const PROCESS_API_PATHS = {
  processes: '/api/v1/processes',
} as const;

/**
 * How a process stands: `healthy` (reported recently, every connector answers), `degraded`
 * (reported recently, a connector does not answer) or `silent` (no report for longer than
 * three heartbeats: stopped, hung, or cut off from the database).
 */
export const ZProcessState = z.enum(['healthy', 'degraded', 'silent']);
export type TProcessState = z.infer<typeof ZProcessState>;

/** A worker or overlord as it last reported itself to the database. */
export const ZProcess = z.object({
  id: z.string(),
  kind: z.enum(['worker', 'overlord']),
  version: z.string(),
  address: z.string(),
  startedAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  state: ZProcessState,
  /** Seconds since the last report (whole seconds). */
  silentForSeconds: z.number().int(),
  /** The key id it signs with (workers; null while none signs, and for overlords). */
  signingKeyId: z.string().nullable(),
  publishedKeyIds: z.array(z.string()),
  /** Connector id -> `ok` or why not (workers). */
  connectors: z.record(z.string(), z.string()),
});
export type TProcess = z.infer<typeof ZProcess>;

/**
 * `GET /api/v1/processes`: every process that reported in the last day, workers first.
 * `signingKeyIds` are the distinct keys the workers that are not silent sign with:
 * `keysAgree` is false when there are several (a rotation that has not reached every worker,
 * or a worker with other `--key-secrets` or another database).
 */
export const ZProcessList = z.object({
  processes: z.array(ZProcess),
  heartbeatSeconds: z.number(),
  signingKeyIds: z.array(z.string()),
  keysAgree: z.boolean(),
});
export type TProcessList = z.infer<typeof ZProcessList>;
