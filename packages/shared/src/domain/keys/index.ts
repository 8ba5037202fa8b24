export {
  ensureActiveSigningKey,
  listSigningKeys,
  loadKeySet,
  type ActiveSigningKey,
  type EnsureSigningKeyOptions,
  type KeySet,
  type SigningKeyView,
} from './signing-keys.ts';
export {
  keyState,
  nextRotationAt,
  type RotationOptions,
  type RotationResult,
  rotateSigningKeys,
  rotateSigningKeysNow,
  type SigningKeyState,
} from './rotate-signing-keys.ts';
export { reencryptSigningKeys } from './reencrypt-signing-keys.ts';
