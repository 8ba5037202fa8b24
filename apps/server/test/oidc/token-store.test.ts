import { randomUUID } from 'node:crypto';
import { sha256Hex } from '@dex/shared/crypto';
import { createDatabase, type Database } from '@dex/shared/db';
import { issueRefreshToken } from '@dex/shared/domain/auth';
import { createClient } from '@dex/shared/domain/clients';
import { createUser, type UserRecord } from '@dex/shared/domain/users';
import { createTestDatabase, type TestDatabase, testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenStore } from '../../src/store/create-token-store.ts';
import { rotateRefreshToken } from '../../src/store/rotate-refresh-token.ts';
import type { NewRefreshTokenRow, TokenStore } from '../../src/store/token-store.ts';

const DAY_MS = 24 * 3_600_000;

/**
 * The token endpoint's hand-written SQL against migrated databases of both providers: what
 * it reads and writes must be exactly what the Prisma client reads and writes.
 */
describe.each(testProviders(process.env))('token store: prepared SQL on the driver (%s)', (provider) => {
  let testDb: TestDatabase;
  let db: Database;
  /** A second process's view: its own Prisma client, driver connection and store. */
  let otherDb: Database;
  let store: TokenStore;
  let otherStore: TokenStore;
  let user: UserRecord;
  let clientId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(provider, { pgUrl: process.env.DEX_TEST_PG_URL });
    db = await createDatabase({ url: testDb.url });
    otherDb = await createDatabase({ url: testDb.url });
    store = createTokenStore(db.driver);
    otherStore = createTokenStore(otherDb.driver);
    user = await createUser(db.prisma, { email: `store-${randomUUID()}@example.com`, displayName: 'Store User', emailVerified: true });
    clientId = (await createClient(db.prisma, { redirectUris: ['http://127.0.0.1:5555/callback'], name: 'Store App' })).client.id;
  });
  afterAll(async () => {
    await otherDb?.close();
    await db?.close();
    await testDb?.drop();
  });

  const issue = (options: { scopes?: string[]; authTime?: Date } = {}) =>
    issueRefreshToken(db.prisma, {
      userId: user.id,
      clientId,
      connectorId: 'local',
      scopes: options.scopes ?? ['openid', 'offline_access'],
      ...(options.authTime === undefined ? {} : { authTime: options.authTime }),
      ttlMs: DAY_MS,
    });

  const successorOf = (row: { id: string; familyId: string }, now: Date): NewRefreshTokenRow => ({
    id: randomUUID(),
    tokenHash: sha256Hex(randomUUID()),
    familyId: row.familyId,
    parentId: row.id,
    userId: user.id,
    clientId,
    connectorId: 'local',
    scopes: 'openid',
    authSessionId: null,
    authTime: new Date('2026-01-02T03:04:05.678Z'),
    createdAt: now,
    expiresAt: new Date(now.getTime() + DAY_MS),
  });

  it('reads a client’s authentication columns, and null for an unknown client', async () => {
    const stored = await db.prisma.client.findUniqueOrThrow({ where: { id: clientId } });
    expect(await store.findClientCredentials(clientId)).toEqual({
      id: clientId,
      name: 'Store App',
      admin: false,
      public: false,
      accessTokenFormat: 'opaque',
      secretHash: stored.secretHash,
    });
    await db.prisma.client.update({ where: { id: clientId }, data: { admin: true, accessTokenFormat: 'jwt' } });
    expect(await store.findClientCredentials(clientId)).toMatchObject({ admin: true, public: false, accessTokenFormat: 'jwt' });
    await db.prisma.client.update({ where: { id: clientId }, data: { admin: false, accessTokenFormat: 'opaque' } });
    expect(await store.findClientCredentials('no-such-client')).toBeNull();
  });

  it('reads a refresh token and its user exactly as Prisma does', async () => {
    const token = await issue({ authTime: new Date('2026-03-04T05:06:07.089Z') });
    const found = await store.findRefreshToken(sha256Hex(token));
    const expected = await db.prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(token) }, include: { user: true } });
    const { tokenHash: _hash, user: expectedUser, ...columns } = expected;
    expect(found).toEqual({ ...columns, user: { ...user, createdAt: expectedUser.createdAt } });
    expect(found?.authTime?.toISOString()).toBe('2026-03-04T05:06:07.089Z');
    expect(found?.user).toMatchObject({ email: user.email, emailVerified: true, displayName: 'Store User', disabled: false });
    expect(await store.findRefreshToken(sha256Hex('unknown'))).toBeNull();
  });

  it('spends a token and writes a successor that Prisma reads back unchanged', async () => {
    const token = await issue();
    const row = await store.findRefreshToken(sha256Hex(token));
    if (row === null) throw new Error('token not found');
    const now = new Date('2026-05-06T07:08:09.123Z');
    const successor = successorOf(row, now);
    expect(await store.spendRefreshToken({ id: row.id, now, successor })).toBe(true);
    const spent = await db.prisma.refreshToken.findUniqueOrThrow({ where: { id: row.id } });
    expect(spent.rotatedAt?.toISOString()).toBe(now.toISOString());
    expect(spent.lastUsedAt?.toISOString()).toBe(now.toISOString());
    const written = await db.prisma.refreshToken.findUniqueOrThrow({ where: { id: successor.id } });
    expect(written).toEqual({ ...successor, lastUsedAt: null, rotatedAt: null, revokedAt: null });
    // Spent once: a second spend loses and writes nothing.
    const again = successorOf(row, now);
    expect(await store.spendRefreshToken({ id: row.id, now, successor: again })).toBe(false);
    expect(await db.prisma.refreshToken.findUnique({ where: { id: again.id } })).toBeNull();
  });

  it('lets exactly one of two concurrent rotations of a token win, from two connections', async () => {
    for (let round = 0; round < 5; round++) {
      const token = await issue();
      const row = await store.findRefreshToken(sha256Hex(token));
      if (row === null) throw new Error('token not found');
      const now = new Date();
      const [first, second] = [successorOf(row, now), successorOf(row, now)];
      const won = await Promise.all([
        store.spendRefreshToken({ id: row.id, now, successor: first }),
        otherStore.spendRefreshToken({ id: row.id, now, successor: second }),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await db.prisma.refreshToken.count({ where: { parentId: row.id } })).toBe(1);
    }
  });

  it('keeps each rotation its own compare-and-set when many arrive together (SQLite commits them as one group)', async () => {
    const rows = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const row = await store.findRefreshToken(sha256Hex(await issue()));
        if (row === null) throw new Error('token not found');
        return row;
      }),
    );
    const now = new Date();
    const [contested] = rows;
    if (contested === undefined) throw new Error('no rows');
    const requests = [...rows, contested].map((row) => ({ id: row.id, now, successor: successorOf(row, now) }));
    const won = await Promise.all(requests.map((request) => store.spendRefreshToken(request)));
    // The contested token (first and last request) has exactly one winner; the others all win.
    expect(won.slice(1, 6)).toEqual([true, true, true, true, true]);
    expect([won[0], won[6]].filter(Boolean)).toHaveLength(1);
    const written = await db.prisma.refreshToken.findMany({ where: { id: { in: requests.map((r) => r.successor.id) } } });
    expect(written.map((t) => t.id).sort()).toEqual(
      requests
        .filter((_, index) => won[index])
        .map((r) => r.successor.id)
        .sort(),
    );
  });

  it('adds a sibling successor only while the parent is live and rotated within the window', async () => {
    const token = await issue();
    const row = await db.prisma.refreshToken.findUniqueOrThrow({ where: { tokenHash: sha256Hex(token) } });
    const rotatedAt = new Date();
    expect(await store.spendRefreshToken({ id: row.id, now: rotatedAt, successor: successorOf(row, rotatedAt) })).toBe(true);
    const sibling = successorOf(row, new Date());
    expect(await otherStore.addSiblingRefreshToken({ rotatedSince: new Date(rotatedAt.getTime() - 3_000), successor: sibling })).toBe(true);
    const written = await db.prisma.refreshToken.findUniqueOrThrow({ where: { id: sibling.id } });
    expect(written).toEqual({ ...sibling, lastUsedAt: null, rotatedAt: null, revokedAt: null });
    // The window closed (the parent rotated before `rotatedSince`): nothing is written.
    const late = successorOf(row, new Date());
    expect(await store.addSiblingRefreshToken({ rotatedSince: new Date(rotatedAt.getTime() + 1), successor: late })).toBe(false);
    // A revoked family gets no sibling, however recent its rotation.
    await store.revokeRefreshTokenFamily(row.familyId, new Date());
    const revoked = successorOf(row, new Date());
    expect(await store.addSiblingRefreshToken({ rotatedSince: new Date(rotatedAt.getTime() - 3_000), successor: revoked })).toBe(false);
    expect(await db.prisma.refreshToken.count({ where: { id: { in: [late.id, revoked.id] } } })).toBe(0);
  });

  it('revokes a whole family and counts only the tokens still live', async () => {
    const token = await issue();
    const first = await rotateRefreshToken(store, { token, clientId, idleTtlMs: DAY_MS, reuseIntervalMs: 0 });
    if (first.status !== 'ok') throw new Error(`rotation failed: ${first.status}`);
    const now = new Date();
    expect(await store.revokeRefreshTokenFamily(first.current.familyId, now)).toBe(2);
    expect(await store.revokeRefreshTokenFamily(first.current.familyId, now)).toBe(0);
    const family = await db.prisma.refreshToken.findMany({ where: { familyId: first.current.familyId } });
    expect(family.map((t) => t.revokedAt?.toISOString())).toEqual([now.toISOString(), now.toISOString()]);
  });

  it('rotates through the store: reuse revokes the family, concurrent use has one winner', async () => {
    const token = await issue({ scopes: ['openid', 'email', 'offline_access'] });
    const narrowed = await rotateRefreshToken(store, {
      token,
      clientId,
      idleTtlMs: DAY_MS,
      reuseIntervalMs: 0,
      scopes: ['openid', 'offline_access'],
    });
    if (narrowed.status !== 'ok') throw new Error(`rotation failed: ${narrowed.status}`);
    expect(narrowed.current.scopes).toBe('openid offline_access');
    expect(narrowed.user).toEqual(expect.objectContaining({ id: user.id, email: user.email }));
    expect(await rotateRefreshToken(store, { token, clientId, idleTtlMs: DAY_MS, reuseIntervalMs: 0 })).toMatchObject({
      status: 'reused',
      revoked: 2,
    });
    expect(await rotateRefreshToken(store, { token: narrowed.token, clientId, idleTtlMs: DAY_MS, reuseIntervalMs: 0 })).toEqual({
      status: 'invalid',
      reason: 'revoked',
    });

    const contested = await issue();
    const results = await Promise.all([
      rotateRefreshToken(store, { token: contested, clientId, idleTtlMs: DAY_MS, reuseIntervalMs: 0 }),
      rotateRefreshToken(otherStore, { token: contested, clientId, idleTtlMs: DAY_MS, reuseIntervalMs: 0 }),
    ]);
    expect(results.filter((r) => r.status === 'ok')).toHaveLength(1);
  });
});

describe('token store on SQLite: another process holding the write lock', () => {
  let testDb: TestDatabase;
  let db: Database;
  let locker: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('sqlite');
    db = await createDatabase({ url: testDb.url });
    locker = await createDatabase({ url: testDb.url });
  });
  afterAll(async () => {
    await locker?.close();
    await db?.close();
    await testDb?.drop();
  });

  it('waits without blocking the event loop, then rotates once the lock is released', async () => {
    if (locker.driver.provider !== 'sqlite') throw new Error('expected SQLite');
    const store = createTokenStore(db.driver);
    const user = await createUser(db.prisma, { email: `lock-${randomUUID()}@example.com` });
    const { client } = await createClient(db.prisma, { redirectUris: ['http://127.0.0.1:5555/callback'] });
    const token = await issueRefreshToken(db.prisma, {
      userId: user.id,
      clientId: client.id,
      connectorId: 'local',
      scopes: ['openid'],
      ttlMs: DAY_MS,
    });
    const connection = locker.driver.connection();
    connection.prepare('BEGIN IMMEDIATE').run();
    let settled = false;
    const rotation = rotateRefreshToken(store, { token, clientId: client.id, idleTtlMs: DAY_MS, reuseIntervalMs: 0 }).finally(() => {
      settled = true;
    });
    // The event loop keeps turning (this timer fires) while the rotation waits for the lock.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    connection.prepare('COMMIT').run();
    const result = await rotation;
    expect(result.status).toBe('ok');
  });
});
