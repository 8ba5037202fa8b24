export {
  ensureActiveSigningKey,
  listSigningKeys,
  loadKeySet,
  type ActiveSigningKey,
  type EnsureSigningKeyOptions,
  type KeySet,
  type SigningKeyView,
} from './signing-keys.ts';
