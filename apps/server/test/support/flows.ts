import { createHash, randomBytes } from 'node:crypto';
import { walkLogin } from '@dex/shared/testing';
import type { WorkerStack } from './worker-stack.ts';

export interface TestClient {
  id: string;
  secret: string;
  redirectUri: string;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** `Authorization: Basic` for a client, form-urlencoding both parts as RFC 6749 §2.3.1 says. */
export function basicAuth(client: { id: string; secret: string }): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;
}

/** POSTs a form to the token endpoint with the client's Basic credentials (unless `auth` is false). */
export function tokenRequest(stack: WorkerStack, client: TestClient | null, params: Record<string, string>): Promise<Response> {
  return fetch(`${stack.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(client === null ? {} : { authorization: basicAuth(client) }),
    },
    body: new URLSearchParams(params),
  });
}

/** An authorization request URL for a client: code flow, `openid email`, a fixed state, and `params` on top. */
export function authorizeUrl(stack: WorkerStack, client: TestClient, params: Record<string, string> = {}): URL {
  const url = new URL(`${stack.issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: client.id,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: 'openid email',
    state: 'st-123',
    ...params,
  }).toString();
  return url;
}

type TestUser = Awaited<ReturnType<WorkerStack['addUser']>>;

/**
 * Logs a user (a fresh one unless `user` is given) in through the real pages for a client and
 * returns the callback URL (with `code`), the PKCE verifier and the parties.
 */
export async function loginForCode(
  stack: WorkerStack,
  options: { scope?: string; client?: TestClient; pkce?: boolean; user?: TestUser } = {},
): Promise<{ client: TestClient; user: TestUser; verifier: string; callback: URL }> {
  const client = options.client ?? (await stack.addClient());
  const user = options.user ?? (await stack.addUser());
  const { verifier, challenge } = pkcePair();
  const auth = new URL(`${stack.issuer}/auth`);
  auth.search = new URLSearchParams({
    client_id: client.id,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: options.scope ?? 'openid email profile',
    state: 'st-123',
    nonce: 'n-456',
    ...(options.pkce === false ? {} : { code_challenge: challenge, code_challenge_method: 'S256' }),
  }).toString();
  const walk = await walkLogin(auth.toString(), { login: user.email, password: user.password });
  if (walk.status !== 302 || walk.location === null) throw new Error(`login did not redirect: ${walk.status} ${walk.body.slice(0, 300)}`);
  return { client, user, verifier, callback: new URL(walk.location) };
}

/** A full code flow: returns the token response body. */
export async function obtainTokens(
  stack: WorkerStack,
  options: { scope?: string; client?: TestClient; user?: TestUser } = {},
): Promise<{ client: TestClient; user: TestUser; tokens: Record<string, string | number> }> {
  const { client, user, verifier, callback } = await loginForCode(stack, options);
  const response = await tokenRequest(stack, client, {
    grant_type: 'authorization_code',
    code: callback.searchParams.get('code') ?? '',
    code_verifier: verifier,
    redirect_uri: client.redirectUri,
  });
  if (response.status !== 200) throw new Error(`code exchange failed: ${response.status} ${await response.text()}`);
  return { client, user, tokens: (await response.json()) as Record<string, string | number> };
}

/** The status of a userinfo request with a Bearer access token: 200 while it works, 401 once it does not. */
export async function userinfoStatus(stack: WorkerStack, accessToken: string): Promise<number> {
  const response = await fetch(`${stack.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.body?.cancel();
  return response.status;
}

/** Whether introspection, asked by a confidential client, calls a token active. */
export async function isActive(stack: WorkerStack, client: { id: string; secret: string }, token: string): Promise<boolean> {
  const response = await fetch(`${stack.issuer}/token/introspect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
    body: new URLSearchParams({ token }),
  });
  if (response.status !== 200) throw new Error(`introspection failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { active: boolean }).active;
}

/** `GET <issuer>/health`: the HTTP status, the body's `status` (ok, degraded, error) and each check. */
export async function readHealth(stack: WorkerStack): Promise<{ status: number; state: string; checks: Record<string, string> }> {
  const response = await fetch(`${stack.issuer}/health`);
  const body = (await response.json()) as { status: string; checks: Record<string, string> };
  return { status: response.status, state: body.status, checks: body.checks };
}
