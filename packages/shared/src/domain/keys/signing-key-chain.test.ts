import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_PUBLISH_DELAY_MS, jwksMaxAgeSeconds, MIN_KEY_PUBLISH_DELAY_MS } from './signing-key-chain.ts';

describe('JWKS max-age from the publish delay', () => {
  it('leaves relying parties what remains of the delay after the workers have seen a new key', () => {
    expect(jwksMaxAgeSeconds(DEFAULT_KEY_PUBLISH_DELAY_MS)).toBe(295);
    expect(jwksMaxAgeSeconds(MIN_KEY_PUBLISH_DELAY_MS)).toBe(0);
    expect(jwksMaxAgeSeconds(MIN_KEY_PUBLISH_DELAY_MS + 1_999)).toBe(1);
  });

  it('is 0 with no recorded delay or one too short, and at most an hour', () => {
    expect(jwksMaxAgeSeconds(null)).toBe(0);
    expect(jwksMaxAgeSeconds(1_000)).toBe(0);
    expect(jwksMaxAgeSeconds(24 * 3_600_000)).toBe(3_600);
  });
});
