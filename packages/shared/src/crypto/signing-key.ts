import { createPrivateKey, generateKeyPair as generateKeyPairCallback, type KeyObject } from 'node:crypto';
import { randomHex } from './random.ts';

export type SigningAlg = 'RS256' | 'ES256';

/** The public members of a JWK as published in `/keys` (never private members). */
export interface PublicJwk {
  kid: string;
  kty: string;
  alg: SigningAlg;
  use: 'sig';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface GeneratedSigningKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  /** PKCS#8 DER of the private key; encrypt before storing. */
  privatePkcs8: Buffer;
}

function generateKeyPair(alg: SigningAlg): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      error ? reject(error) : resolve({ publicKey, privateKey });
    if (alg === 'RS256') generateKeyPairCallback('rsa', { modulusLength: 2048, publicExponent: 0x10001 }, done);
    else generateKeyPairCallback('ec', { namedCurve: 'P-256' }, done);
  });
}

/**
 * Generates a signing key: RSA-2048 for RS256 (dex v0.2.3+), P-256 for ES256. The key id is
 * hex of 20 random bytes (dex v0.5.1+). JWK members are unpadded base64url.
 * @example const key = await generateSigningKey('RS256'); key.publicJwk.kty // 'RSA'
 */
export async function generateSigningKey(alg: SigningAlg = 'RS256'): Promise<GeneratedSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const kid = randomHex(20);
  const jwk = publicKey.export({ format: 'jwk' });
  const publicJwk: PublicJwk =
    alg === 'RS256'
      ? { kid, kty: 'RSA', alg, use: 'sig', n: jwk.n ?? '', e: jwk.e ?? '' }
      : { kid, kty: 'EC', alg, use: 'sig', crv: jwk.crv ?? '', x: jwk.x ?? '', y: jwk.y ?? '' };
  const privatePkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { kid, alg, publicJwk, privatePkcs8 };
}

/** Rebuilds the private KeyObject from its PKCS#8 DER. */
export function privateKeyFromPkcs8(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}
