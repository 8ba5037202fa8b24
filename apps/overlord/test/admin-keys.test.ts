import type { TRotateKeysRequest, TRotateKeysResult, TSigningKey, TSigningKeyList } from '@dex/shared/admin-api';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const KEY_FIELDS = ['activatesAt', 'alg', 'createdAt', 'expiresAt', 'kid', 'retiresAt', 'state'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const inState = (keys: TSigningKey[], state: TSigningKey['state']) => keys.filter((key) => key.state === state).map((key) => key.kid);

describe.each(testProviders(process.env))('admin API signing keys (%s)', (provider) => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness(provider);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const listKeys = async () => {
    const { status, body } = await harness.json('/api/v1/keys');
    expect(status).toBe(200);
    return body as TSigningKeyList;
  };
  const rotate = async (request?: TRotateKeysRequest) => {
    const { status, body } = await harness.json('/api/v1/keys/rotate', {
      method: 'POST',
      ...(request === undefined ? {} : { body: JSON.stringify(request) }),
    });
    expect(status).toBe(200);
    return body as TRotateKeysResult;
  };
  const seconds = (from: string | null, to: string | null) => (Date.parse(to ?? '') - Date.parse(from ?? '')) / 1000;

  it('lists exactly one active key after start, with its windows and no key material', async () => {
    const list = await listKeys();
    expect(Object.keys(list).sort()).toEqual(['keyPeriodSeconds', 'keys', 'nextRotationAt', 'publishDelaySeconds']);
    expect(list.keyPeriodSeconds).toBe(86_400);
    expect(list.publishDelaySeconds).toBe(300);
    const [active, ...others] = list.keys.filter((key) => key.state === 'active');
    expect(others).toEqual([]);
    expect(active).toEqual({
      kid: expect.any(String),
      alg: 'RS256',
      state: 'active',
      createdAt: expect.stringMatching(ISO),
      activatesAt: expect.stringMatching(ISO),
      retiresAt: expect.stringMatching(ISO),
      expiresAt: expect.stringMatching(ISO),
    });
    for (const key of list.keys) expect(Object.keys(key).sort()).toEqual(KEY_FIELDS);
    expect(list.nextRotationAt).toBe(active?.retiresAt);
    const stored = await harness.overlord.db.prisma.signingKey.findUniqueOrThrow({ where: { kid: active?.kid ?? '' } });
    const text = JSON.stringify(list);
    expect(text).not.toContain(stored.privateKeyEnc);
    expect(text).not.toContain((JSON.parse(stored.publicJwk) as { n: string }).n);
  });

  it('rotates on demand by publishing first: the new key signs after the publish delay, and the rotation is audited', async () => {
    const before = await listKeys();
    const [previous] = inState(before.keys, 'active');
    const rotated = await rotate();
    expect(Object.keys(rotated).sort()).toEqual(
      [
        'activatesAt',
        'keys',
        'kid',
        'mode',
        'previousExpiresAt',
        'previousKid',
        'previousRetiresAt',
        'publishDelaySeconds',
        'publishedAt',
        'withdrawn',
      ].sort(),
    );
    expect(rotated).toMatchObject({ mode: 'publish-first', previousKid: previous, withdrawn: [], publishDelaySeconds: 300 });
    expect(rotated.kid).not.toBe(previous);
    // Published now, not signing yet: the previous key signs until the delay is over.
    expect(seconds(rotated.publishedAt, rotated.activatesAt)).toBe(300);
    expect(Math.abs(Date.parse(rotated.publishedAt) - Date.now())).toBeLessThan(60_000);
    expect(rotated.previousRetiresAt).toBe(rotated.activatesAt);
    expect(seconds(rotated.previousRetiresAt, rotated.previousExpiresAt)).toBe(86_400);
    expect(inState(rotated.keys, 'next')).toEqual([rotated.kid]);
    expect(inState(rotated.keys, 'active')).toEqual([previous]);
    for (const key of rotated.keys) expect(Object.keys(key).sort()).toEqual(KEY_FIELDS);
    const next = rotated.keys.find((key) => key.kid === rotated.kid);
    expect(next).toMatchObject({ createdAt: rotated.publishedAt, activatesAt: rotated.activatesAt });

    const after = await listKeys();
    expect(after.keys).toEqual(rotated.keys);
    expect(after.nextRotationAt).toBe(rotated.activatesAt);

    const audit = await harness.json(`/api/v1/audit?action=keys.rotate&targetId=${rotated.kid}`);
    expect(audit.body).toEqual({
      items: [
        {
          id: expect.any(String),
          at: expect.stringMatching(ISO),
          actor: 'admin-api',
          action: 'keys.rotate',
          targetType: 'signing_key',
          targetId: rotated.kid,
          before: { activeKid: previous },
          after: { activeKid: rotated.kid, mode: 'publish-first', activatesAt: rotated.activatesAt, withdrawn: [] },
        },
      ],
      nextCursor: null,
    });

    // Rotating again before the new key signs answers the same timeline and makes no key.
    const again = await rotate({ mode: 'publish-first' });
    expect({ ...again, keys: undefined }).toEqual({ ...rotated, keys: undefined });
    expect(again.keys).toHaveLength(rotated.keys.length);
  });

  it('rotates immediately for a leaked key: every previous key leaves the list and a fresh key signs at once', async () => {
    const before = await listKeys();
    const [previous] = inState(before.keys, 'active');
    const rotated = await rotate({ mode: 'immediate' });
    expect(rotated).toMatchObject({
      mode: 'immediate',
      previousKid: previous,
      previousRetiresAt: rotated.activatesAt,
      previousExpiresAt: rotated.activatesAt,
      publishedAt: rotated.activatesAt,
    });
    expect([...rotated.withdrawn].sort()).toEqual(before.keys.map((key) => key.kid).sort());
    expect(rotated.keys.map((key) => [key.kid, key.state])).toEqual([[rotated.kid, 'active']]);
    expect((await listKeys()).keys).toEqual(rotated.keys);
    const audit = await harness.json(`/api/v1/audit?action=keys.rotate&targetId=${rotated.kid}`);
    expect(audit.body).toMatchObject({ items: [{ after: { activeKid: rotated.kid, mode: 'immediate', withdrawn: rotated.withdrawn } }] });
  });

  it('refuses an unknown mode or field', async () => {
    expect(await harness.json('/api/v1/keys/rotate', { method: 'POST', body: JSON.stringify({ mode: 'now' }) })).toEqual({
      status: 400,
      body: { code: 'BAD_REQUEST', message: 'mode must be "publish-first" or "immediate"' },
    });
    expect(await harness.json('/api/v1/keys/rotate', { method: 'POST', body: JSON.stringify({ immediate: true }) })).toEqual({
      status: 400,
      body: { code: 'BAD_REQUEST', message: 'unknown field immediate' },
    });
  });

  it('needs the admin secret', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/keys'],
      ['POST', '/api/v1/keys/rotate'],
    ] as const) {
      expect(await harness.json(path, { method, secret: null })).toEqual({
        status: 401,
        body: { code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' },
      });
    }
    expect(await harness.json('/api/v1/keys/rotate')).toEqual({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'no route for GET /api/v1/keys/rotate' },
    });
  });
});
