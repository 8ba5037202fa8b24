import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwt } from '../../src/oidc/id-tokens.ts';

describe('JWS compact serialization RFC7515 with node:crypto', () => {
  const claims = { iss: 'https://issuer.example/dex', sub: 'user-1', aud: 'client-1', iat: 1_700_000_000, exp: 4_000_000_000 };

  it('signs RS256 tokens that jose verifies, with alg, kid and typ in the header', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await signJwt({ kid: 'rsa-1', alg: 'RS256', privateKey }, claims);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: 'rsa-1', typ: 'JWT' });
    const { payload } = await jwtVerify(token, publicKey, { issuer: claims.iss, audience: 'client-1', algorithms: ['RS256'] });
    expect(payload).toEqual(claims);
  });

  it('signs ES256 tokens with the JOSE signature form (r || s, 64 bytes, RFC7518 §3.4)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const token = await signJwt({ kid: 'ec-1', alg: 'ES256', privateKey }, claims);
    expect(Buffer.from(token.split('.')[2] ?? '', 'base64url')).toHaveLength(64);
    const { protectedHeader } = await compactVerify(token, publicKey, { algorithms: ['ES256'] });
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: 'ec-1', typ: 'JWT' });
  });

  it('rejects when the key cannot sign, rather than issuing a token', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expect(signJwt({ kid: 'pub', alg: 'RS256', privateKey: publicKey }, claims)).rejects.toThrow();
  });
});
