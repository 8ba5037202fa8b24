import { createHmac } from 'node:crypto';
import type { PrismaDb } from '#db/create-database.ts';
import { randomToken, safeEqual, sha256Hex } from '#crypto/index.ts';

/** A console session ends after this long without a request... */
export const CONSOLE_SESSION_IDLE_MS = 30 * 60_000;
/** ...and at the latest this long after sign-in. */
export const CONSOLE_SESSION_MAX_MS = 12 * 3_600_000;
/** `lastUsedAt` is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

/** The actor of a session opened with the admin API secret (break-glass sign-in). */
export const BREAK_GLASS_ACTOR = 'break-glass';

export interface ConsoleSessionView {
  /** The admin's email (OIDC sign-in through dex), or `break-glass`. */
  actor: string;
  /** The admin's user id when signed in through dex; null for break-glass. */
  userId: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** What the browser sends as `X-CSRF-Token` on every change; derived from the session id. */
  csrfToken: string;
}

/** The CSRF token of a session: an HMAC of its id, so nothing more is stored and it is stable across reloads. */
function csrfTokenOf(sessionId: string): string {
  return createHmac('sha256', sessionId).update('dex-console-csrf').digest('base64url');
}

function viewOf(sessionId: string, row: { actor: string; userId: string | null; createdAt: Date; expiresAt: Date }): ConsoleSessionView {
  return { actor: row.actor, userId: row.userId, createdAt: row.createdAt, expiresAt: row.expiresAt, csrfToken: csrfTokenOf(sessionId) };
}

/**
 * Opens a console session for `actor` (and the admin's `userId` when signed in through dex): a
 * 256-bit id (the cookie's value; only its SHA-256 is stored) that lasts until idle for 30 min
 * or 12 h after sign-in.
 * @example const { id, session } = await createConsoleSession(db.prisma, { actor: 'ann@example.com', userId: user.id });
 */
export async function createConsoleSession(
  prisma: PrismaDb,
  options: { actor: string; userId?: string; now?: Date },
): Promise<{ id: string; session: ConsoleSessionView }> {
  const now = options.now ?? new Date();
  const id = randomToken();
  const row = await prisma.consoleSession.create({
    data: {
      idHash: sha256Hex(id),
      actor: options.actor,
      userId: options.userId ?? null,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + CONSOLE_SESSION_MAX_MS),
    },
  });
  return { id, session: viewOf(id, row) };
}

/**
 * The live session of a cookie value, or null (unknown, idle too long, or past its end). A
 * used session's idle clock restarts (written at most once a minute).
 * @example const session = await findConsoleSession(db.prisma, cookieValue);
 */
export async function findConsoleSession(prisma: PrismaDb, id: string, options: { now?: Date } = {}): Promise<ConsoleSessionView | null> {
  const now = options.now ?? new Date();
  const idHash = sha256Hex(id);
  const row = await prisma.consoleSession.findUnique({ where: { idHash } });
  if (row === null) return null;
  if (row.expiresAt <= now || now.getTime() - row.lastUsedAt.getTime() >= CONSOLE_SESSION_IDLE_MS) {
    await prisma.consoleSession.deleteMany({ where: { idHash } });
    return null;
  }
  if (now.getTime() - row.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    await prisma.consoleSession.updateMany({ where: { idHash }, data: { lastUsedAt: now } });
  }
  return viewOf(id, row);
}

/**
 * Whether `presented` is the session's CSRF token (compared in constant time).
 * @example if (!isConsoleCsrfToken(cookieValue, req.get('x-csrf-token') ?? '')) throw ...
 */
export function isConsoleCsrfToken(sessionId: string, presented: string): boolean {
  return presented !== '' && safeEqual(presented, csrfTokenOf(sessionId));
}

/**
 * Ends a session (sign-out).
 * @example await deleteConsoleSession(db.prisma, cookieValue);
 */
export async function deleteConsoleSession(prisma: PrismaDb, id: string): Promise<void> {
  await prisma.consoleSession.deleteMany({ where: { idHash: sha256Hex(id) } });
}

/**
 * Deletes sessions past their end or idle too long (the overlord's garbage collection).
 * @returns how many went.
 * @example await deleteExpiredConsoleSessions(db.prisma);
 */
export async function deleteExpiredConsoleSessions(prisma: PrismaDb, options: { now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const { count } = await prisma.consoleSession.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { lastUsedAt: { lte: new Date(now.getTime() - CONSOLE_SESSION_IDLE_MS) } }] },
  });
  return count;
}

export {
  CONSOLE_CLIENT_ID,
  CONSOLE_DESKTOP_CLIENT_ID,
  ensureConsoleClients,
  type EnsureConsoleClientsOptions,
} from './ensure-console-clients.ts';
