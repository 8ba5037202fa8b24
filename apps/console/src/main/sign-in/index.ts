export { createDexSessions, type CreateDexSessionsOptions, type DexSessions } from './dex-sessions.ts';
export { LOOPBACK_TIMEOUT_MS, type LoopbackListener, startLoopbackListener } from './loopback-listener.ts';
export { discoverDesktopSignIn, exchangeIdToken, revokeSession, withSessionCookie } from './overlord-session.ts';
export { createSignInSecrets, type SignInSecrets } from './pkce.ts';
export { DESKTOP_CLIENT_ID, type DesktopTokens, signInWithDex, type SignInWithDexOptions } from './sign-in-with-dex.ts';
export { createTokenStore, DESKTOP_SESSIONS_FILE_NAME, type StoredDesktopSession, type TokenStore } from './token-store.ts';
