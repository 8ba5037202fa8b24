import { describe, expect, it } from 'vitest';
import { testProviders } from '#testing/index.ts';
import { useMigratedDatabase } from '#testing/migrated-database.ts';
import { listLoginEvents, recordLoginEvent } from './index.ts';

describe.each(testProviders(process.env))('login events (%s)', (provider) => {
  const db = useMigratedDatabase(provider);

  it('records an event with one insert and lists it newest first, filtered and paged without skips or repeats', async () => {
    const base = Date.UTC(2026, 0, 1, 12);
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    await recordLoginEvent(db.prisma, {
      type: 'failure',
      reason: 'invalid_credentials',
      email: 'Jane@Example.com',
      connectorId: 'local',
      clientId: 'app',
      clientAddress: '192.0.2.7',
      at: at(0),
    });
    await recordLoginEvent(db.prisma, { type: 'lockout', reason: 'too_many_failures', email: 'jane@example.com', at: at(1) });
    await recordLoginEvent(db.prisma, { type: 'success', userId: 'u1', email: 'jane@example.com', clientId: 'app', at: at(2) });
    await recordLoginEvent(db.prisma, { type: 'logout', userId: 'u1', email: 'jane@example.com', at: at(3) });
    await recordLoginEvent(db.prisma, { type: 'success', userId: 'u2', email: 'joe@example.com', clientId: 'other', at: at(3) });

    const failures = await listLoginEvents(db.prisma, { limit: 10, type: 'failure', email: 'JANE@example.com' });
    expect(failures).toEqual({
      events: [
        {
          id: expect.any(String),
          at: at(0),
          type: 'failure',
          reason: 'invalid_credentials',
          userId: null,
          email: 'jane@example.com',
          connectorId: 'local',
          clientId: 'app',
          clientAddress: '192.0.2.7',
        },
      ],
      next: null,
    });

    const seen: string[] = [];
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const page = await listLoginEvents(db.prisma, { limit: 2, ...(after === undefined ? {} : { after }), since: at(0), until: at(4) });
      seen.push(...page.events.map((event) => `${event.type}:${event.email}`));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.slice(2)).toEqual(['success:jane@example.com', 'lockout:jane@example.com', 'failure:jane@example.com']);

    const ofApp = await listLoginEvents(db.prisma, { limit: 10, clientId: 'app', since: at(1) });
    expect(ofApp.events.map((event) => event.type)).toEqual(['success']);
    const ofUser = await listLoginEvents(db.prisma, { limit: 10, userId: 'u2' });
    expect(ofUser.events.map((event) => event.email)).toEqual(['joe@example.com']);
  });

  it('cuts overlong input instead of failing the insert', async () => {
    await recordLoginEvent(db.prisma, { type: 'failure', reason: 'invalid_credentials', email: `${'x'.repeat(1000)}@example.com` });
    const { events } = await listLoginEvents(db.prisma, { limit: 1, type: 'failure' });
    expect(events[0]?.email).toHaveLength(320);
  });
});
