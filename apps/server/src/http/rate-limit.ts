import type { PrismaDb } from '@dex/shared/db';
import { clearLoginFailures, countLoginFailures, recordLoginFailure } from '@dex/shared/domain/auth';

export interface LoginLimitsOptions {
  /** Failed logins of one account from one client address before they are refused (`--login-max-failures`). */
  perAccount: number;
  /** Failed logins from one client address, whatever the accounts (`--login-max-failures-per-ip`). */
  perAddress: number;
  /** How long a count lasts, and so a lockout (`--login-lockout`). */
  windowMs: number;
}

/**
 * Failed password logins, counted per account at a client address and per client address in
 * fixed windows, in the database: every worker counts into and enforces the same limits, and a
 * restart forgets nothing. Counting an account only together with the address keeps one
 * attacker from locking a user out everywhere by failing on purpose; the per-address count
 * still stops one address guessing across many accounts. Behind a load balancer the address
 * is the client's only with `--trusted-proxies` (see `client-address.ts`).
 */
export class LoginLimits {
  readonly #prisma: PrismaDb;
  readonly #options: LoginLimitsOptions;

  constructor(prisma: PrismaDb, options: LoginLimitsOptions) {
    this.#prisma = prisma;
    this.#options = options;
  }

  /** Whether this account at this address, or this address, has used up its failures. */
  async isBlocked(account: string, address: string): Promise<boolean> {
    const [perAccount = 0, perAddress = 0] = await countLoginFailures(this.#prisma, keys(account, address));
    return perAccount >= this.#options.perAccount || perAddress >= this.#options.perAddress;
  }

  /**
   * Counts a failed login; answers whether this very failure used up the account's or the
   * address's allowance (the moment of a lockout, reported once per window).
   */
  async recordFailure(account: string, address: string): Promise<{ lockedOut: boolean }> {
    const window = { windowMs: this.#options.windowMs };
    const [accountKey, addressKey] = keys(account, address);
    const perAccount = await recordLoginFailure(this.#prisma, accountKey, window);
    const perAddress = await recordLoginFailure(this.#prisma, addressKey, window);
    return { lockedOut: perAccount === this.#options.perAccount || perAddress === this.#options.perAddress };
  }

  /** After a successful login: the account's count at that address starts over. */
  async reset(account: string, address: string): Promise<void> {
    const [perAccount] = keys(account, address);
    if (perAccount !== undefined) await clearLoginFailures(this.#prisma, perAccount);
  }
}

function keys(account: string, address: string): [string, string] {
  return [`account:${account}\n${address}`, `address:${address}`];
}
