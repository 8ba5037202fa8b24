import { randomToken, sha256Hex } from '#crypto/index.ts';
import type { PrismaDb } from '#db/create-database.ts';

export type AuthSessionState = 'NEW' | 'IDENTIFIED' | 'EXCHANGED';

/** The identity a connector vouched for (dex v0 `oidc.Identity`). */
export interface ConnectorIdentity {
  /** Subject at the connector (the user id for the local connector). */
  id: string;
  name?: string;
  email?: string;
  emailVerified?: boolean;
  /** Groups the user belongs to upstream (LDAP group DNs, an OIDC groups claim). */
  groups?: string[];
}

/** An authorization request in progress, from `/auth` to the code exchange. */
export interface AuthSessionRecord {
  id: string;
  state: AuthSessionState;
  clientId: string;
  clientState: string | null;
  redirectUri: string;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  connectorId: string | null;
  identity: ConnectorIdentity | null;
  userId: string | null;
  authTime: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

interface AuthSessionRow {
  id: string;
  state: string;
  clientId: string;
  clientState: string | null;
  redirectUri: string;
  scope: string;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  connectorId: string | null;
  identity: string | null;
  userId: string | null;
  authTime: Date | null;
  createdAt: Date;
  expiresAt: Date;
}

function toRecord(row: AuthSessionRow): AuthSessionRecord {
  return {
    id: row.id,
    state: row.state as AuthSessionState,
    clientId: row.clientId,
    clientState: row.clientState,
    redirectUri: row.redirectUri,
    scopes: row.scope === '' ? [] : row.scope.split(' '),
    nonce: row.nonce,
    codeChallenge: row.codeChallenge,
    codeChallengeMethod: row.codeChallengeMethod,
    connectorId: row.connectorId,
    identity: row.identity === null ? null : (JSON.parse(row.identity) as ConnectorIdentity),
    userId: row.userId,
    authTime: row.authTime,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

export interface CreateAuthSessionOptions {
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  clientState?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  connectorId?: string;
  /** How long the user has to log in (dex v0: 12 h; we default to 30 min). */
  ttlMs?: number;
  now?: Date;
}

const DEFAULT_SESSION_TTL_MS = 30 * 60_000;

/**
 * Opens an authorization request. Its id (256 random bits) is the handle the login pages
 * carry; it is worthless once the session is identified or expired.
 * @example const session = await createAuthSession(db.prisma, { clientId, redirectUri, scopes: ['openid'] });
 */
export async function createAuthSession(prisma: PrismaDb, options: CreateAuthSessionOptions): Promise<AuthSessionRecord> {
  const now = options.now ?? new Date();
  const row = await prisma.authSession.create({
    data: {
      id: randomToken(32),
      state: 'NEW',
      clientId: options.clientId,
      clientState: options.clientState ?? null,
      redirectUri: options.redirectUri,
      scope: options.scopes.join(' '),
      nonce: options.nonce ?? null,
      codeChallenge: options.codeChallenge ?? null,
      codeChallengeMethod: options.codeChallengeMethod ?? null,
      connectorId: options.connectorId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (options.ttlMs ?? DEFAULT_SESSION_TTL_MS)),
    },
  });
  return toRecord(row);
}

/** A session that exists and has not expired, else null. @example await findAuthSession(db.prisma, id) */
export async function findAuthSession(prisma: PrismaDb, id: string, now = new Date()): Promise<AuthSessionRecord | null> {
  const row = await prisma.authSession.findUnique({ where: { id } });
  if (row === null || row.expiresAt.getTime() <= now.getTime()) return null;
  return toRecord(row);
}

export interface IdentifyAuthSessionOptions {
  sessionId: string;
  connectorId: string;
  identity: ConnectorIdentity;
  userId: string;
  authTime?: Date;
  /** How long the authorization code stays valid (dex v0: 10 min; we default to 60 s). */
  codeTtlMs?: number;
  now?: Date;
}

const DEFAULT_CODE_TTL_MS = 60_000;

/**
 * Records who logged in (NEW -> IDENTIFIED) and issues the single-use authorization code.
 * Returns null when the session is gone, expired or already identified.
 * @example const code = await identifyAuthSession(db.prisma, { sessionId, connectorId: 'local', identity, userId });
 */
export async function identifyAuthSession(prisma: PrismaDb, options: IdentifyAuthSessionOptions): Promise<string | null> {
  const now = options.now ?? new Date();
  const code = randomToken(32);
  return prisma.$transaction(async (tx) => {
    const updated = await tx.authSession.updateMany({
      where: { id: options.sessionId, state: 'NEW', expiresAt: { gt: now } },
      data: {
        state: 'IDENTIFIED',
        connectorId: options.connectorId,
        identity: JSON.stringify(options.identity),
        userId: options.userId,
        authTime: options.authTime ?? now,
      },
    });
    if (updated.count !== 1) return null;
    await tx.authCode.create({
      data: {
        codeHash: sha256Hex(code),
        kind: 'code',
        sessionId: options.sessionId,
        createdAt: now,
        expiresAt: new Date(now.getTime() + (options.codeTtlMs ?? DEFAULT_CODE_TTL_MS)),
      },
    });
    return code;
  });
}

export type RedeemCodeResult =
  | { status: 'ok'; session: AuthSessionRecord }
  | { status: 'invalid' }
  /** The code was already spent: a replay. Whatever it issued must be revoked. */
  | { status: 'replayed'; session: AuthSessionRecord };

/**
 * Spends an authorization code exactly once (a compare-and-set on `usedAt`), moving its
 * session to EXCHANGED. A second use reports `replayed` with the session, so the caller can
 * revoke the tokens the first use issued.
 * @example const result = await redeemAuthCode(db.prisma, code);
 */
export async function redeemAuthCode(prisma: PrismaDb, code: string, now = new Date()): Promise<RedeemCodeResult> {
  const codeHash = sha256Hex(code);
  const spent = await prisma.authCode.updateMany({
    where: { codeHash, kind: 'code', usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  const row = await prisma.authCode.findUnique({ where: { codeHash }, include: { session: true } });
  if (row === null || row.kind !== 'code') return { status: 'invalid' };
  if (spent.count === 1) {
    const session = await prisma.authSession.update({ where: { id: row.sessionId }, data: { state: 'EXCHANGED' } });
    return { status: 'ok', session: toRecord(session) };
  }
  if (row.usedAt !== null) return { status: 'replayed', session: toRecord(row.session) };
  return { status: 'invalid' };
}
