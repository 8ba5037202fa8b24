export {
  awaitConsent,
  awaitRegistration,
  createAuthSession,
  endRegistration,
  switchAuthSessionConnector,
  refuseConsent,
  findAuthCode,
  findAuthSession,
  type FoundAuthCode,
  identifyAuthSession,
  spendAuthCode,
  type AuthSessionRecord,
  type AuthSessionState,
  type ConnectorIdentity,
  type CreateAuthSessionOptions,
  type IdentifyAuthSessionOptions,
} from './auth-session.ts';
export {
  findActiveRefreshToken,
  issueRefreshToken,
  type IssueRefreshTokenOptions,
  type RefreshTokenRecord,
  refreshTokenGrantId,
  revokeRefreshToken,
  type RevokeRefreshTokenResult,
  revokeRefreshTokensOfGrant,
  revokeTokensOfAuthSession,
  revokeUserRefreshTokens,
} from './refresh-tokens.ts';
export {
  listRefreshTokenClients,
  type RefreshTokenClient,
  revokeClientRefreshTokens,
  type RevokedClientRefreshTokens,
} from './refresh-token-clients.ts';
export { type BrowserSessionRecord, createBrowserSession, endBrowserSession, findBrowserSession } from './browser-sessions.ts';
export { isAnyRevoked, revokeIds } from './revocations.ts';
export {
  advanceDeviceAuthorization,
  bindDeviceAuthorization,
  createDeviceAuthorization,
  type DeviceAuthorizationRecord,
  type DeviceAuthorizationStatus,
  type DevicePollResult,
  findBoundDeviceAuthorization,
  pollDeviceAuthorization,
} from './device-authorizations.ts';
export { generateUserCode, normalizeUserCode, USER_CODE_ALPHABET } from './device-user-codes.ts';
export { clearLoginFailures, countLoginFailures, type LoginFailureWindow, recordInWindow, recordLoginFailure } from './login-failures.ts';
export {
  claimOfflineSessionRefresh,
  deleteOfflineSession,
  findOfflineSession,
  finishOfflineSessionRefresh,
  type OfflineSessionKey,
  type OfflineSessionRecord,
  saveOfflineSession,
} from './offline-sessions.ts';
