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
export { issueRefreshToken, revokeTokensOfAuthSession, type IssueRefreshTokenOptions } from './refresh-tokens.ts';
