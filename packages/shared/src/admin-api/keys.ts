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

/** `GET /api/v1/keys`: newest first; `nextRotationAt` is when the active key retires (null if never scheduled). */
export const ZSigningKeyList = z.object({
  keys: z.array(ZSigningKey),
  nextRotationAt: z.iso.datetime().nullable(),
  keyPeriodSeconds: z.number(),
});
export type TSigningKeyList = z.infer<typeof ZSigningKeyList>;

/** `POST /api/v1/keys/rotate`: the kid that signs from now on, and the keys afterwards. */
export const ZRotateKeysResult = z.object({
  kid: z.string(),
  keys: z.array(ZSigningKey),
});
export type TRotateKeysResult = z.infer<typeof ZRotateKeysResult>;
