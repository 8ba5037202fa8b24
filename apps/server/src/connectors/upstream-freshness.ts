import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How recent the user's authentication must be, as the client asked at `/auth`, carried
 * through an upstream login (OpenID Connect Core §3.1.2.1):
 * - `login`: `prompt=login`, the user must authenticate again now, an upstream session
 *   does not do;
 * - a number of seconds: `max_age`, the upstream authentication may be that old at most;
 * - `''`: no requirement.
 */
export type Freshness = '' | 'login' | `${number}`;

const FRESHNESS = /^(?:login|0|[1-9]\d{0,9})?$/;

/** The requirement of a client's `prompt` and `max_age` (`prompt=login` wins). */
export function freshnessOf(hints: { prompts?: ReadonlySet<string> | undefined; maxAgeSeconds?: number | undefined }): Freshness {
  if (hints.prompts?.has('login') === true) return 'login';
  const maxAge = hints.maxAgeSeconds;
  return maxAge === undefined || !Number.isSafeInteger(maxAge) || maxAge < 0 ? '' : `${maxAge}`;
}

/** A `Freshness` read back from a URL or cookie, or null when it is not one. */
export function parseFreshness(value: unknown): Freshness | null {
  return typeof value === 'string' && FRESHNESS.test(value) ? (value as Freshness) : null;
}

/**
 * The upstream authorization request's parameters for a requirement. `prompt=login` also
 * sends `max_age=0`, so that the upstream must put `auth_time` in the ID token (Core §2).
 */
export function upstreamFreshnessParams(freshness: Freshness): Record<string, string> {
  if (freshness === 'login') return { prompt: 'login', max_age: '0' };
  return freshness === '' ? {} : { max_age: freshness };
}

/**
 * The oldest upstream `auth_time` dex accepts, as openid-client's `maxAge` (seconds before
 * now): for `prompt=login`, no older than the authorization request (`startedAt`); for
 * `max_age`, the client's value; undefined when there is no requirement.
 */
export function maxAuthAgeSeconds(freshness: Freshness, startedAt: Date, now = Date.now()): number | undefined {
  if (freshness === 'login') return Math.max(0, Math.ceil((now - startedAt.getTime()) / 1000));
  return freshness === '' ? undefined : Number(freshness);
}

/**
 * Binds a requirement to its authorization session, so that a browser cannot drop it on
 * the way to the upstream (from the connector's login URL or from the login cookie) and
 * have an old upstream session accepted for `prompt=login`. An HMAC under a key derived
 * from the connector's client secret, which every worker of a deployment shares and the
 * browser never sees.
 */
export class FreshnessSigner {
  readonly #key: Buffer;

  constructor(clientSecret: string) {
    this.#key = createHmac('sha256', clientSecret).update('dex oidc connector: login freshness').digest();
  }

  sign(sessionId: string, freshness: Freshness): string {
    return createHmac('sha256', this.#key).update(`${sessionId}\n${freshness}`).digest('base64url');
  }

  verify(sessionId: string, freshness: Freshness, signature: unknown): boolean {
    if (typeof signature !== 'string') return false;
    const expected = Buffer.from(this.sign(sessionId, freshness));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
