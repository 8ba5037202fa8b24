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
  type RefreshTokenRecord,
  revokeRefreshToken,
  revokeTokensOfAuthSession,
  revokeUserRefreshTokens,
  rotateRefreshToken,
  type RotateRefreshTokenOptions,
  type RotateRefreshTokenResult,
} from './refresh-tokens.ts';
export { type BrowserSessionRecord, createBrowserSession, endBrowserSession, findBrowserSession } from './browser-sessions.ts';
