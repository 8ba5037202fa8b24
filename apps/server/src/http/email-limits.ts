import type { PrismaDb } from '@dex/shared/db';
import { recordLoginFailure } from '@dex/shared/domain/auth';

export interface EmailLimitsOptions {
  /** Emails of one kind to one address per window (the rest are silently not sent). */
  perEmail: number;
  /** Requests of one kind from one client address per window (the rest are refused with 429). */
  perAddress: number;
  windowMs: number;
}

/** The verdict on one request: whether its client address is over its limit, and whether its email may go out. */
export interface EmailLimitVerdict {
  addressBlocked: boolean;
  mayEmail: boolean;
}

/**
 * Limits on the requests that send email to an address someone typed (password reset,
 * registration), counted in the database like failed logins (`recordLoginFailure`, keys of
 * their own kind), so every worker shares them. Every request is counted, whether or not
 * the address has an account, so the limits tell nothing about which addresses exist.
 * @example const verdict = await limits.count('reset', email, req.clientAddress);
 */
export class EmailLimits {
  readonly #prisma: PrismaDb;
  readonly #options: EmailLimitsOptions;

  constructor(prisma: PrismaDb, options: EmailLimitsOptions) {
    this.#prisma = prisma;
    this.#options = options;
  }

  async count(kind: string, email: string, address: string): Promise<EmailLimitVerdict> {
    const window = { windowMs: this.#options.windowMs };
    const byAddress = await recordLoginFailure(this.#prisma, `${kind}-address:${address}`, window);
    if (byAddress > this.#options.perAddress) return { addressBlocked: true, mayEmail: false };
    const byEmail = await recordLoginFailure(this.#prisma, `${kind}-email:${email}`, window);
    return { addressBlocked: false, mayEmail: byEmail <= this.#options.perEmail };
  }
}
