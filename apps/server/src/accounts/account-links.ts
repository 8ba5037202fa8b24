import type { PrismaDb } from '@dex/shared/db';
import {
  checkLinkClaims,
  LINK_JWT_TYPE,
  LINK_PATHS,
  type LinkClaims,
  type LinkProblem,
  signUserLink,
  type TLinkPurpose,
} from '@dex/shared/domain/links';
import type { ActiveSigningKey } from '@dex/shared/domain/keys';
import { AppError } from '@dex/shared/errors';
import type { KeyCache } from '#oidc/key-cache.ts';
import { verifyOwnJwt } from '#oidc/verify-id-token.ts';

export interface AccountLinksDeps {
  prisma: PrismaDb;
  issuer: string;
  keys: KeyCache;
}

/**
 * The worker's signed account links (dex v0 §7.5): made with the active signing key, checked
 * against the published keys, their purpose and their expiry.
 * @example const { url, email } = await links.create({ purpose: 'reset-password', userId, audience: clientId });
 */
export class AccountLinks {
  readonly #deps: AccountLinksDeps;

  constructor(deps: AccountLinksDeps) {
    this.#deps = deps;
  }

  /** The key links are signed with now (503 while the overlord has not made one yet). */
  async activeKey(): Promise<ActiveSigningKey> {
    const { active } = await this.#deps.keys.get();
    if (active === null) throw new AppError('INTERNAL', { message: 'no signing key is active yet', status: 503 });
    return active;
  }

  /** A link for the user; the URL opens its page with `?token=`. NOT_FOUND when the user is gone. */
  async create(options: {
    purpose: TLinkPurpose;
    userId: string;
    audience?: string;
    callback?: string;
  }): Promise<{ url: string; email: string }> {
    const { token, email } = await signUserLink(this.#deps.prisma, {
      key: await this.activeKey(),
      issuer: this.#deps.issuer,
      purpose: options.purpose,
      userId: options.userId,
      audience: options.audience ?? this.#deps.issuer,
      ...(options.callback === undefined ? {} : { callback: options.callback }),
    });
    return { url: `${this.#deps.issuer}${LINK_PATHS[options.purpose]}?token=${encodeURIComponent(token)}`, email };
  }

  /** Checks a link's token: signature and issuer, type, purpose, expiry. */
  async verify(
    token: string,
    purposes: readonly TLinkPurpose[],
  ): Promise<{ ok: true; claims: LinkClaims } | { ok: false; problem: LinkProblem }> {
    if (token === '' || token.length > 4096) return { ok: false, problem: 'invalid' };
    const payload = await verifyOwnJwt(token, { keys: this.#deps.keys, issuer: this.#deps.issuer, typ: LINK_JWT_TYPE });
    if (payload === null) return { ok: false, problem: 'invalid' };
    return checkLinkClaims(payload, { purposes });
  }
}
