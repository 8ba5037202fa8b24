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
  type KeyRotation,
  nextRotationAt,
  type OnDemandRotationOptions,
  type RotationMode,
  type RotationOptions,
  type RotationResult,
  rotateSigningKeys,
  rotateSigningKeysOnDemand,
  type SigningKeyState,
} from './rotate-signing-keys.ts';
export {
  DEFAULT_KEY_PUBLISH_DELAY_MS,
  jwksMaxAgeSeconds,
  KEY_CHECK_INTERVAL_MS,
  KEY_PICKUP_MARGIN_MS,
  MAX_JWKS_MAX_AGE_SECONDS,
  markSigningKeysChanged,
  MIN_KEY_PUBLISH_DELAY_MS,
  readSigningKeyChain,
  recordKeyPublishDelay,
  type SigningKeyChainMarker,
} from './signing-key-chain.ts';
export { reencryptSigningKeys } from './reencrypt-signing-keys.ts';
