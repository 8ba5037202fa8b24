import { randomBytes } from 'node:crypto';
import type { TLoginEventList } from '@dex/shared/admin-api';
import { recordLoginEvent } from '@dex/shared/domain/login-events';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

/** A client id unique to one test, so each test sees only the events it wrote. */
const tag = () => `c${randomBytes(4).toString('hex')}`;

describe.each(testProviders(process.env))('admin API login events (%s)', (provider) => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness(provider);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const list = async (query: string) => {
    const { status, body } = await harness.json(`/api/v1/events?${query}`);
    expect(status).toBe(200);
    return body as TLoginEventList;
  };
  const base = Date.UTC(2030, 4, 1, 8);
  const at = (minutes: number) => new Date(base + minutes * 60_000);

  it('lists the workers’ events newest first with every field, filtered by type, user, client and time window', async () => {
    const clientId = tag();
    const prisma = harness.overlord.db.prisma;
    await recordLoginEvent(prisma, {
      type: 'failure',
      reason: 'invalid_credentials',
      email: 'jane@example.com',
      connectorId: 'local',
      clientId,
      clientAddress: '198.51.100.4',
      at: at(0),
    });
    await recordLoginEvent(prisma, {
      type: 'success',
      userId: 'u-jane',
      email: 'jane@example.com',
      connectorId: 'local',
      clientId,
      at: at(1),
    });
    await recordLoginEvent(prisma, { type: 'logout', userId: 'u-jane', email: 'jane@example.com', clientId, at: at(2) });
    await recordLoginEvent(prisma, { type: 'success', userId: 'u-joe', email: 'joe@example.com', clientId, at: at(3) });

    const failures = await list(`clientId=${clientId}&type=failure`);
    expect(failures).toEqual({
      items: [
        {
          id: expect.any(String),
          at: at(0).toISOString(),
          type: 'failure',
          reason: 'invalid_credentials',
          userId: null,
          email: 'jane@example.com',
          connectorId: 'local',
          clientId,
          clientAddress: '198.51.100.4',
        },
      ],
      nextCursor: null,
    });
    const types = (page: TLoginEventList) => page.items.map((event) => `${event.type}:${event.email}`);
    expect(types(await list(`clientId=${clientId}`))).toEqual([
      'success:joe@example.com',
      'logout:jane@example.com',
      'success:jane@example.com',
      'failure:jane@example.com',
    ]);
    expect(types(await list(`clientId=${clientId}&email=JANE%40example.com`))).toEqual([
      'logout:jane@example.com',
      'success:jane@example.com',
      'failure:jane@example.com',
    ]);
    expect(types(await list(`clientId=${clientId}&userId=u-joe`))).toEqual(['success:joe@example.com']);
    const window = `since=${encodeURIComponent(at(1).toISOString())}&until=${encodeURIComponent(at(3).toISOString())}`;
    expect(types(await list(`clientId=${clientId}&${window}`))).toEqual(['logout:jane@example.com', 'success:jane@example.com']);
  });

  it('pages newest first without skipping or repeating', async () => {
    const clientId = tag();
    for (let i = 0; i < 5; i++) {
      await recordLoginEvent(harness.overlord.db.prisma, { type: 'success', email: `u${i}@example.com`, clientId, at: at(i < 2 ? 0 : i) });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: TLoginEventList = await list(
        `clientId=${clientId}&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      seen.push(...page.items.map((event) => event.email ?? ''));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen.slice(0, 3)).toEqual(['u4@example.com', 'u3@example.com', 'u2@example.com']);
    expect(new Set(seen)).toEqual(new Set(['u0@example.com', 'u1@example.com', 'u2@example.com', 'u3@example.com', 'u4@example.com']));
  });

  it.each([
    ['type=signin', 'type must be one of success, failure, lockout, logout'],
    ['limit=0', 'limit must be an integer from 1 to 100'],
    ['since=yesterday', 'since must be an ISO 8601 date-time'],
    ['email=', 'email must not be empty'],
    ['clientId=a&clientId=b', 'clientId must be a single string'],
    ['cursor=zzz', 'cursor is invalid'],
    ['actor=admin-api', 'unknown query parameter actor'],
  ])('answers 400 for ?%s', async (query, message) => {
    expect(await harness.json(`/api/v1/events?${query}`)).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message } });
  });

  it('needs the admin secret', async () => {
    expect(await harness.json('/api/v1/events', { secret: null })).toEqual({
      status: 401,
      body: { code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' },
    });
  });
});
