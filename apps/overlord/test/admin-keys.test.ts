import type { TRotateKeysResult, TSigningKey, TSigningKeyList } from '@dex/shared/admin-api';
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
  const rotate = async () => {
    const { status, body } = await harness.json('/api/v1/keys/rotate', { method: 'POST' });
    expect(status).toBe(200);
    return body as TRotateKeysResult;
  };

  it('lists exactly one active key after start, with its windows and no key material', async () => {
    const list = await listKeys();
    expect(Object.keys(list).sort()).toEqual(['keyPeriodSeconds', 'keys', 'nextRotationAt']);
    expect(list.keyPeriodSeconds).toBe(86_400);
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

  it('rotates on demand: a new key signs, the previous one is retired but still listed, and the rotation is audited', async () => {
    const before = await listKeys();
    const [previous] = inState(before.keys, 'active');
    const rotated = await rotate();
    expect(Object.keys(rotated).sort()).toEqual(['keys', 'kid']);
    expect(rotated.kid).not.toBe(previous);
    expect(inState(rotated.keys, 'active')).toEqual([rotated.kid]);
    expect(inState(rotated.keys, 'retired')).toContain(previous);
    for (const key of rotated.keys) expect(Object.keys(key).sort()).toEqual(KEY_FIELDS);

    const after = await listKeys();
    expect(after.keys).toEqual(rotated.keys);
    expect(inState(after.keys, 'active')).toEqual([rotated.kid]);
    const retired = after.keys.find((key) => key.kid === previous);
    expect(retired?.expiresAt).toBe(new Date(Date.parse(retired?.retiresAt ?? '') + 86_400_000).toISOString());
    expect(after.nextRotationAt).toBe(after.keys.find((key) => key.kid === rotated.kid)?.retiresAt);

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
          after: { activeKid: rotated.kid },
        },
      ],
      nextCursor: null,
    });
  });

  it('rotates again, each time changing the active kid and keeping the earlier keys listed as retired', async () => {
    const first = await rotate();
    const second = await rotate();
    expect(second.kid).not.toBe(first.kid);
    expect(inState(second.keys, 'active')).toEqual([second.kid]);
    expect(inState(second.keys, 'retired')).toContain(first.kid);
    expect(second.keys.map((key) => key.kid)).toContain(first.kid);
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
