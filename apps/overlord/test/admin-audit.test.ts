import { randomBytes, randomUUID } from 'node:crypto';
import type { TAuditEventList, TUser } from '@dex/shared/admin-api';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

/** A tag unique to one test, used as the target type of the events it writes. */
const tag = () => `t${randomBytes(4).toString('hex')}`;

describe.each(testProviders(process.env))('admin API audit log (%s)', (provider) => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness(provider);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const list = async (query: string) => {
    const { status, body } = await harness.json(`/api/v1/audit?${query}`);
    expect(status).toBe(200);
    return body as TAuditEventList;
  };

  /** Writes events straight to the table, with chosen times, under a fresh target type; returns them newest first. */
  const seed = async (
    targetType: string,
    events: { at: string; action: string; targetId?: string; before?: unknown; after?: unknown }[],
  ) => {
    const rows = events.map((event) => ({
      id: randomUUID(),
      at: new Date(event.at),
      actor: 'admin-api',
      action: event.action,
      targetType,
      targetId: event.targetId ?? 'target-1',
      before: event.before === undefined ? null : JSON.stringify(event.before),
      after: event.after === undefined ? null : JSON.stringify(event.after),
    }));
    await harness.overlord.db.prisma.auditEvent.createMany({ data: rows });
    return rows
      .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1))
      .map((row) => ({
        ...row,
        at: row.at.toISOString(),
        before: row.before === null ? null : JSON.parse(row.before),
        after: row.after === null ? null : JSON.parse(row.after),
      }));
  };

  it('records the changes made through the API, with before and after parsed from JSON', async () => {
    const created = await harness.json('/api/v1/users', { method: 'POST', body: JSON.stringify({ email: `${tag()}@example.com` }) });
    const user = created.body as TUser;
    await harness.json(`/api/v1/users/${user.id}`, { method: 'PATCH', body: JSON.stringify({ displayName: 'Audited' }) });
    const page = await list(`targetType=user&targetId=${user.id}`);
    expect(page).toEqual({
      items: [
        {
          id: expect.any(String),
          at: expect.stringMatching(/Z$/),
          actor: 'admin-api',
          action: 'user.update',
          targetType: 'user',
          targetId: user.id,
          before: user,
          after: { ...user, displayName: 'Audited' },
        },
        {
          id: expect.any(String),
          at: expect.stringMatching(/Z$/),
          actor: 'admin-api',
          action: 'user.create',
          targetType: 'user',
          targetId: user.id,
          before: null,
          after: user,
        },
      ],
      nextCursor: null,
    });
  });

  it('pages newest first over three pages, ties in time included, without skipping or repeating', async () => {
    const type = tag();
    const expected = await seed(type, [
      { at: '2030-01-01T00:00:01.000Z', action: 'a.one' },
      { at: '2030-01-01T00:00:02.000Z', action: 'a.two' },
      { at: '2030-01-01T00:00:02.000Z', action: 'a.two-tie' },
      { at: '2030-01-01T00:00:03.000Z', action: 'a.three', before: { n: 2 }, after: { n: 3, list: [1, 'x'] } },
      { at: '2030-01-01T00:00:04.000Z', action: 'a.four' },
    ]);
    const pages: TAuditEventList[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`targetType=${type}&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((page) => page.items)).toEqual(expected);
    expect(expected[1]).toMatchObject({ action: 'a.three', before: { n: 2 }, after: { n: 3, list: [1, 'x'] } });
  });

  it('filters by action, target and a time window (since inclusive, until exclusive)', async () => {
    const type = tag();
    await seed(type, [
      { at: '2031-05-01T10:00:00.000Z', action: 'user.create', targetId: 'u1' },
      { at: '2031-05-01T11:00:00.000Z', action: 'user.disable', targetId: 'u1' },
      { at: '2031-05-01T12:00:00.000Z', action: 'user.create', targetId: 'u2' },
      { at: '2031-05-01T13:00:00.000Z', action: 'user.enable', targetId: 'u1' },
    ]);
    const actions = async (query: string) => (await list(`targetType=${type}&${query}`)).items.map((e) => `${e.action}/${e.targetId}`);
    expect(await actions('')).toEqual(['user.enable/u1', 'user.create/u2', 'user.disable/u1', 'user.create/u1']);
    expect(await actions('action=user.create')).toEqual(['user.create/u2', 'user.create/u1']);
    expect(await actions('targetId=u1')).toEqual(['user.enable/u1', 'user.disable/u1', 'user.create/u1']);
    expect(await actions('targetId=u1&action=user.disable')).toEqual(['user.disable/u1']);
    expect(await actions('since=2031-05-01T11:00:00Z')).toEqual(['user.enable/u1', 'user.create/u2', 'user.disable/u1']);
    expect(await actions('until=2031-05-01T11:00:00.000Z')).toEqual(['user.create/u1']);
    expect(await actions('since=2031-05-01T12:00:00%2B01:00&until=2031-05-01T13:00:00Z')).toEqual(['user.create/u2', 'user.disable/u1']);
    expect(await actions('action=user.delete')).toEqual([]);
    expect((await list(`targetType=${tag()}`)).items).toEqual([]);
  });

  it.each([
    ['limit=0', 'limit must be an integer from 1 to 100'],
    ['limit=500', 'limit must be an integer from 1 to 100'],
    ['since=yesterday', 'since must be an ISO 8601 date-time'],
    ['until=2031-05-01', 'until must be an ISO 8601 date-time'],
    ['since=a&since=b', 'since must be an ISO 8601 date-time'],
    ['action=', 'action must not be empty'],
    ['targetType=a&targetType=b', 'targetType must be a single string'],
    ['cursor=zzz', 'cursor is invalid'],
    [`cursor=${Buffer.from('{"email":"a@example.com"}').toString('base64url')}`, 'cursor is invalid'],
    ['actor=admin-api', 'unknown query parameter actor'],
  ])('answers 400 for ?%s', async (query, message) => {
    expect(await harness.json(`/api/v1/audit?${query}`)).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message } });
  });

  it('needs the admin secret', async () => {
    expect(await harness.json('/api/v1/audit', { secret: null })).toEqual({
      status: 401,
      body: { code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' },
    });
  });
});
