import { sha256Digest } from '#crypto/index.ts';

/** What a link is for. A link of one purpose is never accepted for another. */
export const LINK_PURPOSES = ['verify-email', 'reset-password', 'invite'] as const;
export type TLinkPurpose = (typeof LINK_PURPOSES)[number];

/** The JOSE `typ` of links: an ID or access token is never taken for a link, nor the other way round (RFC 8725 §3.11). */
export const LINK_JWT_TYPE = 'dex-link+jwt';

/** How long each link works (dex v0: 12 h for all; a reset link is for now, an hour). */
export const LINK_TTL_MS: Readonly<Record<TLinkPurpose, number>> = {
  'verify-email': 12 * 3_600_000,
  'reset-password': 3_600_000,
  invite: 12 * 3_600_000,
};

/** The claims of a signed link (dex v0 §7.5, with one `purpose` claim instead of per-purpose claim names). */
export interface LinkClaims {
  iss: string;
  /** The user. */
  sub: string;
  /** The client the flow started from, or the issuer when none did (an admin's invitation). */
  aud: string;
  purpose: TLinkPurpose;
  /** The user's email when the link was made: a link sent to an old address does not verify the new one. */
  email: string;
  /** Fingerprint of the password hash (reset, invite): the link dies when the password changes (single use). */
  pwd?: string;
  /** Where to send the browser when done (a redirect URI registered for `aud`), if any. */
  cb?: string;
  iat: number;
  exp: number;
  jti: string;
}

/**
 * The fingerprint of a user's stored password hash (or of none): a truncated SHA-256, so the
 * link carries nothing that helps guess the password, yet changes with every new hash.
 * @example passwordFingerprint(row.password?.passwordHash ?? null)
 */
export function passwordFingerprint(passwordHash: string | null): string {
  return sha256Digest(`dex password ${passwordHash ?? '(none)'}`)
    .subarray(0, 16)
    .toString('base64url');
}

/** Why a link was refused. */
export type LinkProblem = 'invalid' | 'wrong_purpose' | 'expired';

/**
 * Checks the claims of a link whose signature and issuer verified: its purpose, its expiry and
 * its shape. Returns the claims, or why they are refused.
 * @example const checked = checkLinkClaims(payload, { purposes: ['reset-password', 'invite'] });
 */
export function checkLinkClaims(
  payload: Record<string, unknown>,
  options: { purposes: readonly TLinkPurpose[]; now?: number },
): { ok: true; claims: LinkClaims } | { ok: false; problem: LinkProblem } {
  const { sub, aud, purpose, email, pwd, cb, exp, iat, iss, jti } = payload;
  if (
    typeof sub !== 'string' ||
    typeof aud !== 'string' ||
    typeof email !== 'string' ||
    typeof exp !== 'number' ||
    typeof iat !== 'number' ||
    typeof iss !== 'string' ||
    typeof jti !== 'string' ||
    (pwd !== undefined && typeof pwd !== 'string') ||
    (cb !== undefined && typeof cb !== 'string') ||
    !LINK_PURPOSES.includes(purpose as TLinkPurpose)
  ) {
    return { ok: false, problem: 'invalid' };
  }
  if (!options.purposes.includes(purpose as TLinkPurpose)) return { ok: false, problem: 'wrong_purpose' };
  if (exp * 1000 <= (options.now ?? Date.now())) return { ok: false, problem: 'expired' };
  return {
    ok: true,
    claims: {
      iss,
      sub,
      aud,
      purpose: purpose as TLinkPurpose,
      email,
      iat,
      exp,
      jti,
      ...(pwd === undefined ? {} : { pwd: pwd as string }),
      ...(cb === undefined ? {} : { cb: cb as string }),
    },
  };
}
