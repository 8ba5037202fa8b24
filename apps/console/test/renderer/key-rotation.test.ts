import type { TRotateKeysResult, TSigningKey, TSigningKeyList } from '@dex/shared/admin-api';
import { describe, expect, it } from 'vitest';
import { describeRotation, planRotation, rotationFromResult, scheduledRotations } from '../../src/renderer/features/keys/key-rotation.ts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const S = 1000;
const HOUR = 3600 * S;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(ms).toISOString();
/** Times as plain ISO, and "+5s"-style offsets from NOW, so the sentences read exactly. */
const format = {
  now: NOW,
  formatTime: (iso: string) => iso,
  formatRelative: (iso: string, now: number) => `${(Date.parse(iso) - now) / S}s`,
};

function key(kid: string, state: TSigningKey['state'], times: { created: number; activates: number; retires: number | null }): TSigningKey {
  return {
    kid,
    alg: 'RS256',
    state,
    createdAt: at(times.created),
    activatesAt: at(times.activates),
    retiresAt: times.retires === null ? null : at(times.retires),
    expiresAt: times.retires === null ? null : at(times.retires + DAY),
  };
}

/** A day-long period, a 5 s publish delay; `k-active` retires in 6 h. */
function chain(options: { withSuccessor: boolean; successorCreated?: number }): TSigningKeyList {
  const keys = [
    key('k-active', 'active', { created: NOW - 20 * HOUR, activates: NOW - 18 * HOUR, retires: NOW + 6 * HOUR }),
    key('k-retired', 'retired', { created: NOW - 44 * HOUR, activates: NOW - 42 * HOUR, retires: NOW - 18 * HOUR }),
  ];
  if (options.withSuccessor)
    keys.unshift(
      key('k-next', 'next', { created: options.successorCreated ?? NOW - HOUR, activates: NOW + 6 * HOUR, retires: NOW + 30 * HOUR }),
    );
  return { keys, nextRotationAt: at(NOW + 6 * HOUR), keyPeriodSeconds: 86_400, publishDelaySeconds: 5 };
}

describe('what "Rotate now" will do, foreseen from the key list as the overlord decides it', () => {
  it('publish-first with no successor yet: a new key published now signs after the publish delay', () => {
    const plan = planRotation(chain({ withSuccessor: false }), 'publish-first', NOW);
    expect(plan).toEqual({
      mode: 'publish-first',
      kid: null,
      publishedAt: at(NOW),
      activatesAt: at(NOW + 5 * S),
      previousKid: 'k-active',
      previousExpiresAt: at(NOW + 5 * S + DAY),
      withdrawn: [],
    });
    expect(describeRotation(plan, format)).toBe(
      `A new key is published now and signs from ${at(NOW + 5 * S)} (5s); the current key k-active stops signing then ` +
        `and stays published until ${at(NOW + 5 * S + DAY)} (86405s), so the tokens it signed keep verifying.`,
    );
  });

  it('publish-first with a successor published longer ago than the delay: it signs at once', () => {
    const plan = planRotation(chain({ withSuccessor: true }), 'publish-first', NOW);
    expect(plan).toMatchObject({ kid: 'k-next', publishedAt: at(NOW - HOUR), activatesAt: at(NOW), previousExpiresAt: at(NOW + DAY) });
    expect(describeRotation(plan, format)).toBe(
      `The next key k-next, published since ${at(NOW - HOUR)}, signs at once; the current key k-active stops signing at once ` +
        `and stays published until ${at(NOW + DAY)} (86400s), so the tokens it signed keep verifying.`,
    );
  });

  it('publish-first with a successor published 2 s ago: it signs once its 5 s are over', () => {
    const plan = planRotation(chain({ withSuccessor: true, successorCreated: NOW - 2 * S }), 'publish-first', NOW);
    expect(plan).toMatchObject({ kid: 'k-next', activatesAt: at(NOW + 3 * S), previousExpiresAt: at(NOW + 3 * S + DAY) });
  });

  it('immediate: every key leaves the JWKS at once and a fresh key signs at once', () => {
    const plan = planRotation(chain({ withSuccessor: true }), 'immediate', NOW);
    expect(plan).toMatchObject({ kid: null, activatesAt: at(NOW), withdrawn: ['k-next', 'k-active', 'k-retired'] });
    expect(describeRotation(plan, format)).toBe(
      'A new key is published and signs at once; k-next, k-active and k-retired leave the JWKS at once, so every token they ' +
        'signed stops verifying (workers follow within about a second; relying parties that cached the JWKS may need to refetch it).',
    );
  });

  it('with no key signing, the new key signs at once and nothing retires', () => {
    const list: TSigningKeyList = { keys: [], nextRotationAt: null, keyPeriodSeconds: 86_400, publishDelaySeconds: 5 };
    expect(describeRotation(planRotation(list, 'publish-first', NOW), format)).toBe('A new key is published now and signs at once.');
  });
});

describe('the toast tells the overlord’s answer in the dialog’s words', () => {
  it('names the new key, with the same windows the dialog foresaw', () => {
    const result: TRotateKeysResult = {
      mode: 'publish-first',
      kid: 'k-new',
      publishedAt: at(NOW),
      activatesAt: at(NOW + 5 * S),
      previousKid: 'k-active',
      previousRetiresAt: at(NOW + 5 * S),
      previousExpiresAt: at(NOW + 5 * S + DAY),
      withdrawn: [],
      publishDelaySeconds: 5,
      keys: [],
    };
    const foreseen = describeRotation(planRotation(chain({ withSuccessor: false }), 'publish-first', NOW), format);
    const done = describeRotation(rotationFromResult(result), format);
    expect(done).toBe(foreseen.replace('A new key is', 'A new key k-new is'));
  });

  it('an immediate rotation lists what it withdrew', () => {
    const result: TRotateKeysResult = {
      mode: 'immediate',
      kid: 'k-fresh',
      publishedAt: at(NOW),
      activatesAt: at(NOW),
      previousKid: 'k-active',
      previousRetiresAt: at(NOW),
      previousExpiresAt: at(NOW),
      withdrawn: ['k-active'],
      publishDelaySeconds: 5,
      keys: [],
    };
    expect(describeRotation(rotationFromResult(result), format)).toMatch(
      /^A new key k-fresh is published and signs at once; k-active leaves the JWKS at once, so every token it signed stops verifying/,
    );
  });
});

describe('the next two scheduled rotations, as the overlord’s job schedules them', () => {
  it('with the successor published: it takes over at the next rotation and retires when its own window ends', () => {
    expect(scheduledRotations(chain({ withSuccessor: true }), 2)).toEqual([
      { at: at(NOW + 6 * HOUR), retiringKid: 'k-active', successorKid: 'k-next', successorPublishedAt: at(NOW - HOUR) },
      { at: at(NOW + 30 * HOUR), retiringKid: 'k-next', successorKid: null, successorPublishedAt: at(NOW + 18 * HOUR) },
    ]);
  });

  it('before the successor exists: one key period apart, each successor published half a period ahead', () => {
    expect(scheduledRotations(chain({ withSuccessor: false }), 2)).toEqual([
      { at: at(NOW + 6 * HOUR), retiringKid: 'k-active', successorKid: null, successorPublishedAt: at(NOW - 6 * HOUR) },
      { at: at(NOW + 30 * HOUR), retiringKid: null, successorKid: null, successorPublishedAt: at(NOW + 18 * HOUR) },
    ]);
  });

  it('publishes a successor the publish delay ahead when that is longer than half a period', () => {
    const list = { ...chain({ withSuccessor: false }), keyPeriodSeconds: 60, publishDelaySeconds: 300 };
    expect(scheduledRotations(list, 2).map((rotation) => rotation.successorPublishedAt)).toEqual([
      at(NOW + 6 * HOUR - 300 * S),
      at(NOW + 6 * HOUR + 60 * S - 300 * S),
    ]);
  });

  it('none while no key signs', () => {
    expect(scheduledRotations({ keys: [], nextRotationAt: null, keyPeriodSeconds: 86_400, publishDelaySeconds: 5 }, 2)).toEqual([]);
  });
});
