import { z } from 'zod';

/** Paths of the signing key endpoints. */
export const KEY_API_PATHS = {
  keys: '/api/v1/keys',
  rotate: '/api/v1/keys/rotate',
} as const;

/** `next`: published, not signing yet; `active`: signs; `retired`: still published so its tokens verify. */
export const ZSigningKeyState = z.enum(['next', 'active', 'retired']);
export type TSigningKeyState = z.infer<typeof ZSigningKeyState>;

/** A signing key's identity and windows. No key material: public keys are served by the worker's JWKS. */
export const ZSigningKey = z.object({
  kid: z.string(),
  alg: z.string(),
  state: ZSigningKeyState,
  createdAt: z.iso.datetime(),
  activatesAt: z.iso.datetime(),
  retiresAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
});
export type TSigningKey = z.infer<typeof ZSigningKey>;

/**
 * `GET /api/v1/keys`: newest first; `nextRotationAt` is when the active key retires (null if
 * never scheduled); `publishDelaySeconds` is the overlord's `--key-publish-delay`, how long a
 * new key is published before it signs (what a "publish first" rotation waits at most).
 */
export const ZSigningKeyList = z.object({
  keys: z.array(ZSigningKey),
  nextRotationAt: z.iso.datetime().nullable(),
  keyPeriodSeconds: z.number(),
  publishDelaySeconds: z.number(),
});
export type TSigningKeyList = z.infer<typeof ZSigningKeyList>;

/**
 * How an on-demand rotation goes.
 * - `publish-first` (the default; a drill, a policy, a suspicion): the new key is published in
 *   every worker's JWKS first and signs only after the publish delay, so every worker and
 *   every relying party knows it before any token carries it. A successor the schedule
 *   published longer ago than the delay signs at once. The old key signs until then and stays
 *   published one key period more: every token it signed keeps verifying.
 * - `immediate` (a leaked key): every stored key leaves the JWKS at once and a fresh key signs
 *   at once. Tokens signed by the old keys stop verifying; workers follow within about a
 *   second, and relying parties that cached the JWKS may need to refetch it.
 */
export const ZRotationMode = z.enum(['publish-first', 'immediate'], { error: 'mode must be "publish-first" or "immediate"' });
export type TRotationMode = z.infer<typeof ZRotationMode>;

/** `POST /api/v1/keys/rotate` body (optional: `{}` or no body is `publish-first`). */
export const ZRotateKeysRequest = z.strictObject({
  mode: ZRotationMode.optional(),
});
export type TRotateKeysRequest = z.infer<typeof ZRotateKeysRequest>;

/**
 * `POST /api/v1/keys/rotate`: what the rotation did, as a timeline (instants in ISO 8601 UTC),
 * and the keys afterwards. A console shows it as "published at `publishedAt`, signs at
 * `activatesAt`; `previousKid` stops signing then and leaves the JWKS at `previousExpiresAt`".
 * - `kid`: the key that signs after the rotation (since `activatesAt`, or from then on).
 * - `publishedAt`: when it entered the JWKS (now, or earlier for a successor already published).
 * - `activatesAt`: when workers start signing with it: now in `immediate` mode; in
 *   `publish-first` mode `publishedAt` + `publishDelaySeconds` at the earliest, so at most
 *   `publishDelaySeconds` from now.
 * - `previousKid`: the key that signed before (null if none did); `previousRetiresAt`: when it
 *   stops signing (= `activatesAt`); `previousExpiresAt`: when it leaves the JWKS (one key
 *   period after it retires; now in `immediate` mode).
 * - `withdrawn`: keys taken out of the JWKS at once (`immediate`: every key stored before).
 * Rotating `publish-first` again before `activatesAt` answers the same timeline.
 */
export const ZRotateKeysResult = z.object({
  mode: ZRotationMode,
  kid: z.string(),
  publishedAt: z.iso.datetime(),
  activatesAt: z.iso.datetime(),
  previousKid: z.string().nullable(),
  previousRetiresAt: z.iso.datetime().nullable(),
  previousExpiresAt: z.iso.datetime().nullable(),
  withdrawn: z.array(z.string()),
  publishDelaySeconds: z.number(),
  keys: z.array(ZSigningKey),
});
export type TRotateKeysResult = z.infer<typeof ZRotateKeysResult>;
