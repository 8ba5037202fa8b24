import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testProviders } from '#testing/index.ts';
import { useMigratedDatabase } from '#testing/migrated-database.ts';
import {
  countLoginFailures,
  createAuthSession,
  createDeviceAuthorization,
  identifyAuthSession,
  isAnyRevoked,
  issueRefreshToken,
  recordLoginFailure,
  revokeIds,
} from '../auth/index.ts';
import { createBrowserSession } from '../auth/browser-sessions.ts';
import { CONSOLE_SESSION_IDLE_MS, CONSOLE_SESSION_MAX_MS, createConsoleSession, findConsoleSession } from '../console-sessions/index.ts';
import { writeHeartbeat } from '../heartbeats/index.ts';
import { recordLoginEvent } from '../login-events/index.ts';
import { createUser } from '../users/index.ts';
import { collectGarbage } from './index.ts';

describe.each(testProviders(process.env))('garbage collection (%s)', (provider) => {
  const db = useMigratedDatabase(provider);

  it('deletes what expired, in batches, and keeps what is live or needed for reuse detection', async () => {
    const past = new Date(Date.now() - 3_600_000);
    const user = await createUser(db.prisma, { email: `gc-${randomUUID()}@example.com` });
    // 7 expired authorization sessions with codes, 1 live one.
    for (let i = 0; i < 7; i++) {
      const session = await createAuthSession(db.prisma, {
        clientId: 'c',
        redirectUri: 'https://a/cb',
        scopes: ['openid'],
        now: past,
        ttlMs: 60_000,
      });
      await identifyAuthSession(db.prisma, {
        sessionId: session.id,
        connectorId: 'local',
        identity: { id: user.id },
        userId: user.id,
        now: past,
      });
    }
    const live = await createAuthSession(db.prisma, { clientId: 'c', redirectUri: 'https://a/cb', scopes: ['openid'] });
    // Refresh tokens: expired, revoked, rotated-but-live (kept), live (kept).
    const base = { userId: user.id, clientId: 'c', connectorId: 'local', scopes: ['openid', 'offline_access'] };
    await issueRefreshToken(db.prisma, { ...base, ttlMs: 1_000, now: past });
    await issueRefreshToken(db.prisma, { ...base, ttlMs: 3_600_000 });
    await db.prisma.refreshToken.updateMany({ where: { expiresAt: { gt: new Date() } }, data: { revokedAt: new Date() } });
    await issueRefreshToken(db.prisma, { ...base, ttlMs: 3_600_000 });
    const rotated = await issueRefreshToken(db.prisma, { ...base, ttlMs: 3_600_000 });
    await db.prisma.refreshToken.updateMany({ where: { revokedAt: null, rotatedAt: null }, data: {} });
    await db.prisma.refreshToken.update({
      where: { tokenHash: (await import('#crypto/index.ts')).sha256Hex(rotated) },
      data: { rotatedAt: new Date() },
    });
    await createBrowserSession(db.prisma, {
      userId: user.id,
      connectorId: 'local',
      identity: { id: user.id },
      authTime: past,
      ttlMs: 1_000,
      now: past,
    });
    await createBrowserSession(db.prisma, {
      userId: user.id,
      connectorId: 'local',
      identity: { id: user.id },
      authTime: new Date(),
      ttlMs: 3_600_000,
    });
    // Revocations: 4 expired (every token they covered has expired), 1 live (kept).
    const expired = Array.from({ length: 4 }, () => randomUUID());
    await revokeIds(db.prisma, expired, new Date(Date.now() - 1_000));
    const kept = randomUUID();
    await revokeIds(db.prisma, [kept], new Date(Date.now() + 3_600_000));

    // Device authorization requests: 4 expired, 1 live (kept).
    for (let i = 0; i < 4; i++) {
      await createDeviceAuthorization(db.prisma, { clientId: 'c', scopes: ['openid'], ttlMs: 1_000, intervalSeconds: 5, now: past });
    }
    await createDeviceAuthorization(db.prisma, { clientId: 'live', scopes: ['openid'], ttlMs: 600_000, intervalSeconds: 5 });

    // Failed-login counters: 2 whose window ended, 1 live (kept).
    await recordLoginFailure(db.prisma, 'address:192.0.2.1', { windowMs: 1_000, now: past.getTime() });
    await recordLoginFailure(db.prisma, 'address:192.0.2.2', { windowMs: 1_000, now: past.getTime() });
    await recordLoginFailure(db.prisma, 'address:192.0.2.3', { windowMs: 3_600_000 });

    // Heartbeats: a process silent for two days goes, one seen a minute ago stays.
    const beat = {
      kind: 'worker' as const,
      version: 't',
      address: 'http://w',
      signingKeyId: null,
      publishedKeyIds: [],
      connectorHealth: {},
    };
    const gone = randomUUID();
    const seen = randomUUID();
    await writeHeartbeat(db.prisma, { ...beat, id: gone, startedAt: past, now: new Date(Date.now() - 48 * 3_600_000) });
    await writeHeartbeat(db.prisma, { ...beat, id: seen, startedAt: past, now: new Date(Date.now() - 60_000) });

    // Login events older than the retention (a day here) go; a recent one stays.
    const day = 24 * 3_600_000;
    for (const age of [2 * day, day + 60_000]) {
      await recordLoginEvent(db.prisma, {
        type: 'failure',
        reason: 'invalid_credentials',
        email: 'old@example.com',
        at: new Date(Date.now() - age),
      });
    }
    await recordLoginEvent(db.prisma, { type: 'success', email: 'recent@example.com', at: new Date(Date.now() - day + 60_000) });

    // Console sessions: one past its 12 h end, one idle too long, one live (kept, still signed in).
    await createConsoleSession(db.prisma, { actor: 'old@example.com', now: new Date(Date.now() - CONSOLE_SESSION_MAX_MS - 1_000) });
    await createConsoleSession(db.prisma, { actor: 'idle@example.com', now: new Date(Date.now() - CONSOLE_SESSION_IDLE_MS - 1_000) });
    const signedIn = await createConsoleSession(db.prisma, { actor: 'ann@example.com', userId: user.id });

    const counts = await collectGarbage(db.prisma, { batchSize: 3, loginEventsRetentionMs: day });
    expect(counts).toEqual({
      authSessions: 7,
      authCodes: 7,
      refreshTokens: 2,
      browserSessions: 1,
      revocations: 4,
      loginFailures: 2,
      deviceAuthorizations: 4,
      processHeartbeats: 1,
      loginEvents: 2,
      consoleSessions: 2,
    });
    expect(await db.prisma.consoleSession.findMany({ select: { actor: true } })).toEqual([{ actor: 'ann@example.com' }]);
    expect(await findConsoleSession(db.prisma, signedIn.id)).toMatchObject({ actor: 'ann@example.com', userId: user.id });
    expect(await db.prisma.deviceAuthorization.findMany({ select: { clientId: true } })).toEqual([{ clientId: 'live' }]);
    expect(await db.prisma.processHeartbeat.findUnique({ where: { id: gone } })).toBeNull();
    expect(await db.prisma.processHeartbeat.findUnique({ where: { id: seen } })).not.toBeNull();
    expect(await db.prisma.authSession.findMany({ select: { id: true } })).toEqual([{ id: live.id }]);
    expect(await db.prisma.refreshToken.count()).toBe(2);
    expect(await db.prisma.browserSession.count()).toBe(1);
    expect(await db.prisma.revocation.findMany({ select: { id: true } })).toEqual([{ id: kept }]);
    expect(await isAnyRevoked(db.prisma, [kept])).toBe(true);
    expect(await countLoginFailures(db.prisma, ['address:192.0.2.3', 'address:192.0.2.1'])).toEqual([1, 0]);
    expect(await db.prisma.loginFailure.count()).toBe(1);
    expect(await db.prisma.loginEvent.findMany({ select: { email: true } })).toEqual([{ email: 'recent@example.com' }]);
    expect(await collectGarbage(db.prisma)).toEqual({
      authSessions: 0,
      authCodes: 0,
      refreshTokens: 0,
      browserSessions: 0,
      revocations: 0,
      loginFailures: 0,
      deviceAuthorizations: 0,
      processHeartbeats: 0,
      loginEvents: 0,
      consoleSessions: 0,
    });
  });
});
