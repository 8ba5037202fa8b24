export { LOOPBACK_TIMEOUT_MS, type LoopbackListener, startLoopbackListener } from './loopback-listener.ts';
export { createSignInSecrets, type SignInSecrets } from './pkce.ts';
export { DESKTOP_CLIENT_ID, type DesktopTokens, signInWithDex, type SignInWithDexOptions } from './sign-in-with-dex.ts';
export { createTokenStore } from './token-store.ts';
