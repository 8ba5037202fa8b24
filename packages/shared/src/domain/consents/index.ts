export { findConsentedScopes } from './find-consented-scopes.ts';
export { recordConsent } from './record-consent.ts';
