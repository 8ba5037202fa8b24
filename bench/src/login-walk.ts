import { createHash, randomBytes } from 'node:crypto';

/**
 * Logs a user in through the worker's real pages with plain HTTP, the way a browser would
 * (the idea of apps/server/test/support/browserless-login.ts), then redeems the code:
 * GET /auth → 302 to the password form → GET it (keep its cookie, read the hidden `session`
 * and `csrf_token`) → POST the credentials → 302 to the redirect URI with `code` →
 * POST /token (authorization_code + PKCE, Basic auth). Returns the refresh token.
 */
export async function loginForRefreshToken(options: {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  login: string;
  password: string;
}): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authUrl = new URL(`${options.issuer}/auth`);
  authUrl.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: 'openid offline_access',
    state: randomBytes(8).toString('hex'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();

  const first = await fetch(authUrl, { redirect: 'manual' });
  const loginLocation = first.headers.get('location');
  if (first.status !== 302 || loginLocation === null) {
    throw new Error(`GET /auth answered ${first.status} (expected a redirect to the login page): ${(await first.text()).slice(0, 300)}`);
  }
  await first.body?.cancel();
  const loginUrl = new URL(loginLocation, authUrl);
  const formPage = await fetch(loginUrl, { redirect: 'manual' });
  const html = await formPage.text();
  if (formPage.status !== 200) throw new Error(`GET ${loginUrl.pathname} answered ${formPage.status}: ${html.slice(0, 300)}`);
  const cookie = (formPage.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
  const posted = await fetch(new URL(loginUrl.pathname, loginUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({
      session: hidden('session'),
      csrf_token: hidden('csrf_token'),
      login: options.login,
      password: options.password,
    }),
  });
  const callback = posted.headers.get('location');
  const code = callback === null ? null : new URL(callback, loginUrl).searchParams.get('code');
  if (posted.status !== 302 || code === null) {
    throw new Error(
      `the login POST answered ${posted.status} ${callback ?? ''} (expected a redirect with a code): ${(await posted.text()).slice(0, 300)}`,
    );
  }
  await posted.body?.cancel();

  const tokenResponse = await fetch(`${options.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(options.clientId, options.clientSecret) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: options.redirectUri }),
  });
  const tokens = (await tokenResponse.json()) as { refresh_token?: unknown };
  if (tokenResponse.status !== 200 || typeof tokens.refresh_token !== 'string') {
    throw new Error(`the code exchange answered ${tokenResponse.status}: ${JSON.stringify(tokens).slice(0, 300)}`);
  }
  return tokens.refresh_token;
}

/** `Authorization: Basic` for client credentials, form-encoded first as RFC 6749 §2.3.1 asks. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}
