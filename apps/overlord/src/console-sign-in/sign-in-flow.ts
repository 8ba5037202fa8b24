import { createHash, createHmac } from 'node:crypto';
import { randomToken, safeEqual } from '@dex/shared/crypto';

/** The cookie that binds a sign-in's callback to the browser that started it. */
export const SIGN_IN_FLOW_COOKIE = 'dex_console_signin';
/** How long a sign-in may take, from "Sign in with dex" to the callback. */
export const SIGN_IN_FLOW_MAX_AGE_MS = 10 * 60_000;

/** The values of one sign-in (an OIDC code flow with PKCE). */
export interface SignInFlow {
  /** 256 random bits, kept only in the browser's HttpOnly flow cookie. */
  id: string;
  state: string;
  nonce: string;
  /** PKCE (RFC 7636): the verifier stays on the server, the S256 challenge goes to /auth. */
  codeVerifier: string;
  codeChallenge: string;
}

function derive(key: string, flowId: string, purpose: string): string {
  return createHmac('sha256', key).update(`${purpose}:${flowId}`).digest('base64url');
}

/**
 * The state, nonce and PKCE verifier of a sign-in, derived from its id with the overlords'
 * shared flow key: nothing is stored, any overlord can finish a sign-in another one started,
 * and only the browser holding the flow cookie can.
 * @example const flow = signInFlow(key); // a new one
 * @example const flow = signInFlow(key, cookieValue); // the one a callback finishes
 */
export function signInFlow(key: string, id: string = randomToken()): SignInFlow {
  const codeVerifier = derive(key, id, 'pkce');
  return {
    id,
    state: derive(key, id, 'state'),
    nonce: derive(key, id, 'nonce'),
    codeVerifier,
    codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
  };
}

/**
 * Whether a callback's `state` is that of the flow (constant time).
 * @example if (!isFlowState(flow, String(req.query.state ?? ''))) refuse();
 */
export function isFlowState(flow: SignInFlow, state: string): boolean {
  return state !== '' && safeEqual(state, flow.state);
}
