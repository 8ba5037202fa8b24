export {
  createAuthSession,
  findAuthSession,
  identifyAuthSession,
  redeemAuthCode,
  type AuthSessionRecord,
  type AuthSessionState,
  type ConnectorIdentity,
  type CreateAuthSessionOptions,
  type IdentifyAuthSessionOptions,
  type RedeemCodeResult,
} from './auth-session.ts';
export {
  findActiveRefreshToken,
  issueRefreshToken,
  type IssueRefreshTokenOptions,
  type NewRefreshTokenRow,
  prismaRotationStore,
  type RefreshTokenRotationStore,
  type RefreshTokenRecord,
  refreshTokenGrantId,
  revokeRefreshToken,
  type RevokeRefreshTokenResult,
  revokeRefreshTokensOfGrant,
  revokeTokensOfAuthSession,
  revokeUserRefreshTokens,
  rotateRefreshToken,
  rotateRefreshTokenIn,
  type RotateRefreshTokenOptions,
  type RotateRefreshTokenResult,
  type StoredRefreshToken,
} from './refresh-tokens.ts';
export { type BrowserSessionRecord, createBrowserSession, endBrowserSession, findBrowserSession } from './browser-sessions.ts';
export { isAnyRevoked, revokeIds } from './revocations.ts';
