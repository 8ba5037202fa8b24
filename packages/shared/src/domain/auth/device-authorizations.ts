import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';
import { isUniqueViolation } from '../prisma-errors.ts';
import { generateUserCode, normalizeUserCode } from './device-user-codes.ts';

/** pending -> identified (the user logged in) -> approved | denied -> issued (the device got its tokens). */
export type DeviceAuthorizationStatus = 'pending' | 'identified' | 'approved' | 'denied' | 'issued';

/** A device authorization request (RFC 8628) as the worker sees it; the codes themselves are never stored. */
export interface DeviceAuthorizationRecord {
  deviceCodeHash: string;
  clientId: string;
  scopes: string[];
  status: DeviceAuthorizationStatus;
  /** The authorization session of the user's login, once identified. */
  authSessionId: string | null;
  intervalSeconds: number;
  expiresAt: Date;
}

interface DeviceAuthorizationRow {
  deviceCodeHash: string;
  clientId: string;
  scope: string;
  status: string;
  authSessionId: string | null;
  intervalSeconds: number;
  expiresAt: Date;
}

function toRecord(row: DeviceAuthorizationRow): DeviceAuthorizationRecord {
  return {
    deviceCodeHash: row.deviceCodeHash,
    clientId: row.clientId,
    scopes: row.scope === '' ? [] : row.scope.split(' '),
    status: row.status as DeviceAuthorizationStatus,
    authSessionId: row.authSessionId,
    intervalSeconds: row.intervalSeconds,
    expiresAt: row.expiresAt,
  };
}

/** How much longer a device must wait after polling too fast (RFC 8628 §3.5). */
const SLOW_DOWN_SECONDS = 5;

/**
 * Starts a device authorization: a device code (256 bits from a CSPRNG) for the device to
 * poll with, and a user code for the person to type. Only their SHA-256 hashes are stored.
 * @example const { deviceCode, userCode } = await createDeviceAuthorization(db.prisma, { clientId, scopes, ttlMs: 600_000, intervalSeconds: 5 });
 */
export async function createDeviceAuthorization(
  prisma: PrismaDb,
  options: { clientId: string; scopes: readonly string[]; ttlMs: number; intervalSeconds: number; now?: Date },
): Promise<{ deviceCode: string; userCode: string; expiresAt: Date }> {
  const now = options.now ?? new Date();
  const expiresAt = new Date(now.getTime() + options.ttlMs);
  for (let attempt = 0; ; attempt++) {
    const deviceCode = randomToken(32);
    const userCode = generateUserCode();
    try {
      await prisma.deviceAuthorization.create({
        data: {
          deviceCodeHash: sha256Hex(deviceCode),
          userCodeHash: sha256Hex(normalizeUserCode(userCode) ?? ''),
          clientId: options.clientId,
          scope: options.scopes.join(' '),
          status: 'pending',
          intervalSeconds: options.intervalSeconds,
          createdAt: now,
          expiresAt,
        },
      });
      return { deviceCode, userCode, expiresAt };
    } catch (error) {
      // A user code already live (one in 2^34 per live request): draw another.
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
}

/**
 * Ties a pending request, found by the user code someone typed, to that person's browser: the
 * returned binding goes into the browser's cookie and the login's `state`, and only a browser
 * holding it can finish the login and approve. Null for a code that is unknown, expired, or
 * already used by a login.
 * @example const found = await bindDeviceAuthorization(db.prisma, { userCode: 'WDJB-MJHT' });
 */
export async function bindDeviceAuthorization(
  prisma: PrismaDb,
  options: { userCode: string; now?: Date },
): Promise<{ binding: string; record: DeviceAuthorizationRecord } | null> {
  const now = options.now ?? new Date();
  const normalized = normalizeUserCode(options.userCode);
  if (normalized === null) return null;
  const row = await prisma.deviceAuthorization.findUnique({ where: { userCodeHash: sha256Hex(normalized) } });
  if (row === null || row.status !== 'pending' || row.expiresAt.getTime() <= now.getTime()) return null;
  const binding = randomToken(32);
  const bound = await prisma.deviceAuthorization.updateMany({
    where: { deviceCodeHash: row.deviceCodeHash, status: 'pending' },
    data: { bindingHash: sha256Hex(binding) },
  });
  return bound.count === 1 ? { binding, record: toRecord(row) } : null;
}

/**
 * The live request a browser's binding belongs to, or null.
 * @example const request = await findBoundDeviceAuthorization(db.prisma, binding);
 */
export async function findBoundDeviceAuthorization(
  prisma: PrismaDb,
  binding: string,
  now = new Date(),
): Promise<DeviceAuthorizationRecord | null> {
  const row = await prisma.deviceAuthorization.findUnique({ where: { bindingHash: sha256Hex(binding) } });
  return row === null || row.expiresAt.getTime() <= now.getTime() ? null : toRecord(row);
}

/**
 * Moves a request on, with a compare-and-set on its status: `identified` records the user's
 * login (its authorization session), `approved` or `denied` the user's decision. False when
 * the request was not in the expected state any more.
 * @example await advanceDeviceAuthorization(db.prisma, { deviceCodeHash, from: 'identified', to: 'approved' });
 */
export async function advanceDeviceAuthorization(
  prisma: PrismaDb,
  options: { deviceCodeHash: string; from: DeviceAuthorizationStatus; to: DeviceAuthorizationStatus; authSessionId?: string },
): Promise<boolean> {
  const changed = await prisma.deviceAuthorization.updateMany({
    where: { deviceCodeHash: options.deviceCodeHash, status: options.from, expiresAt: { gt: new Date() } },
    data: { status: options.to, ...(options.authSessionId === undefined ? {} : { authSessionId: options.authSessionId }) },
  });
  return changed.count === 1;
}

/** What a device's poll gets (RFC 8628 §3.5); `approved` comes once, with the request, and the device code is then spent. */
export type DevicePollResult =
  | { status: 'invalid' | 'expired' | 'slow_down' | 'pending' | 'denied' | 'issued' }
  | { status: 'approved'; record: DeviceAuthorizationRecord };

/**
 * A poll of the token endpoint with a device code, by the client it was issued to. The
 * polling interval is enforced in the database (a compare-and-set on the last poll), so it
 * holds across workers: a poll within the interval is `slow_down` and adds 5 s to it. An
 * approved request is spent by exactly one poll.
 * @example const result = await pollDeviceAuthorization(db.prisma, { deviceCode, clientId });
 */
export async function pollDeviceAuthorization(
  prisma: PrismaDb,
  options: { deviceCode: string; clientId: string; now?: Date },
): Promise<DevicePollResult> {
  const now = options.now ?? new Date();
  const deviceCodeHash = sha256Hex(options.deviceCode);
  const row = await prisma.deviceAuthorization.findUnique({ where: { deviceCodeHash } });
  if (row === null || row.clientId !== options.clientId) return { status: 'invalid' };
  if (row.expiresAt.getTime() <= now.getTime()) return { status: 'expired' };
  if (row.status === 'issued' || row.status === 'denied') return { status: row.status };
  const onTime = await prisma.deviceAuthorization.updateMany({
    where: {
      deviceCodeHash,
      OR: [{ lastPolledAt: null }, { lastPolledAt: { lte: new Date(now.getTime() - row.intervalSeconds * 1000) } }],
    },
    data: { lastPolledAt: now },
  });
  if (onTime.count !== 1) {
    await prisma.deviceAuthorization.updateMany({
      where: { deviceCodeHash },
      data: { lastPolledAt: now, intervalSeconds: { increment: SLOW_DOWN_SECONDS } },
    });
    return { status: 'slow_down' };
  }
  if (row.status !== 'approved') return { status: 'pending' };
  const spent = await advanceDeviceAuthorization(prisma, { deviceCodeHash, from: 'approved', to: 'issued' });
  return spent ? { status: 'approved', record: toRecord(row) } : { status: 'issued' };
}
