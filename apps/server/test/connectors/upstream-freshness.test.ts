import { describe, expect, it } from 'vitest';
import {
  FreshnessSigner,
  freshnessOf,
  maxAuthAgeSeconds,
  parseFreshness,
  upstreamFreshnessParams,
} from '../../src/connectors/upstream-freshness.ts';

describe('login freshness carried to the upstream provider (OpenID Connect Core §3.1.2.1 prompt, max_age)', () => {
  it('reads the requirement from the client request: prompt=login wins over max_age', () => {
    expect(freshnessOf({})).toBe('');
    expect(freshnessOf({ prompts: new Set(['consent']) })).toBe('');
    expect(freshnessOf({ maxAgeSeconds: 300 })).toBe('300');
    expect(freshnessOf({ maxAgeSeconds: 0 })).toBe('0');
    expect(freshnessOf({ prompts: new Set(['login']), maxAgeSeconds: 300 })).toBe('login');
  });

  it('asks the upstream for prompt=login with max_age=0 (so auth_time is returned), or for the client max_age', () => {
    expect(upstreamFreshnessParams('')).toEqual({});
    expect(upstreamFreshnessParams('login')).toEqual({ prompt: 'login', max_age: '0' });
    expect(upstreamFreshnessParams('600')).toEqual({ max_age: '600' });
  });

  it('accepts only what it wrote when reading a requirement back', () => {
    for (const value of ['', 'login', '0', '86400']) expect(parseFreshness(value)).toBe(value);
    for (const value of ['LOGIN', '-1', '01', '1.5', 'login ', '12345678901', ['login'], undefined]) {
      expect(parseFreshness(value), JSON.stringify(value)).toBeNull();
    }
  });

  it('turns the requirement into the oldest auth_time accepted', () => {
    const startedAt = new Date(1_000_000);
    expect(maxAuthAgeSeconds('', startedAt, 1_000_000)).toBeUndefined();
    expect(maxAuthAgeSeconds('600', startedAt, 5_000_000)).toBe(600);
    // prompt=login: no older than the authorization request.
    expect(maxAuthAgeSeconds('login', startedAt, 1_000_000 + 4_200)).toBe(5);
    expect(maxAuthAgeSeconds('login', startedAt, 1_000_000)).toBe(0);
  });

  it('signs the requirement bound to its session and the connector client secret', () => {
    const signer = new FreshnessSigner('client-secret-one');
    const signature = signer.sign('session-a', 'login');
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signer.verify('session-a', 'login', signature)).toBe(true);
    expect(signer.verify('session-a', '', signature), 'requirement dropped').toBe(false);
    expect(signer.verify('session-a', '86400', signature), 'requirement changed').toBe(false);
    expect(signer.verify('session-b', 'login', signature), 'another session').toBe(false);
    expect(new FreshnessSigner('client-secret-two').verify('session-a', 'login', signature), 'another key').toBe(false);
    expect(signer.verify('session-a', 'login', undefined)).toBe(false);
    expect(signer.verify('session-a', 'login', ['x'])).toBe(false);
  });
});
