export { decryptWithSecrets, encryptWithSecret, type Decrypted } from './key-secrets.ts';
export {
  hashPassword,
  INSECURE_TEST_HASHING,
  isAcceptablePassword,
  needsRehash,
  unusablePasswordHash,
  usesInsecureTestPasswordHashing,
  verifyPassword,
} from './password.ts';
export { randomHex, randomToken, safeEqual, sha256Digest, sha256Hex } from './random.ts';
export {
  generateSigningKey,
  privateKeyFromPkcs8,
  type GeneratedSigningKey,
  type PublicJwk,
  type SigningAlg,
} from './signing-key.ts';
