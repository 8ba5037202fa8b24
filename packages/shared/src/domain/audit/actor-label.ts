/**
 * The request header with which a tool names itself for the audit log (`X-Dex-Client:
 * dexctl`). It is a label, not a credential: it is read only on a request already
 * authenticated (admin secret, admin client token), and only changes how the actor reads.
 */
export const AUDIT_CLIENT_HEADER = 'x-dex-client';

/** A label is a short lower-case tool name; anything else is ignored. */
const LABEL = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The audit actor of a change made by a tool that named itself, through `driver`:
 * `dexctl (admin-api)`, `dexctl (worker-api, client:ops-bot)`; `fallback` when there is no
 * valid label.
 * @example labelledActor({ label: req.get(AUDIT_CLIENT_HEADER), driver: 'admin-api', fallback: 'admin-api' }) // 'dexctl (admin-api)'
 */
export function labelledActor(options: { label: string | undefined; driver: string; fallback: string }): string {
  const label = options.label?.trim() ?? '';
  return LABEL.test(label) ? `${label} (${options.driver})` : options.fallback;
}
