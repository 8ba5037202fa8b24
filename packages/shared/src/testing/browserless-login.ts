/**
 * Walks the worker's login pages the way a browser would, with plain HTTP: follows /auth to
 * the password form, keeps its cookie, posts the credentials and returns where the worker
 * finally redirects (the client's callback with `code`, or an error).
 */
export interface LoginWalk {
  /** The last response that was not a redirect to the worker's own pages. */
  status: number;
  location: string | null;
  body: string;
}

function extract(html: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return match?.[1]?.replaceAll('&amp;', '&');
}

export async function walkLogin(
  authUrl: string,
  credentials: { login: string; password: string },
  /** Sent with every request of the walk (an `X-Forwarded-For`, say). */
  headers: Record<string, string> = {},
): Promise<LoginWalk> {
  const first = await fetch(authUrl, { redirect: 'manual', headers });
  const loginLocation = first.headers.get('location');
  if (first.status !== 302 || loginLocation === null) {
    return { status: first.status, location: loginLocation, body: await first.text() };
  }
  const loginUrl = new URL(loginLocation, authUrl);
  if (loginUrl.origin !== new URL(authUrl).origin) return { status: first.status, location: loginLocation, body: '' };
  const formPage = await fetch(loginUrl, { redirect: 'manual', headers });
  const html = await formPage.text();
  const cookie = (formPage.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const form = new URLSearchParams({
    session: extract(html, 'session') ?? '',
    csrf_token: extract(html, 'csrf_token') ?? '',
    login: credentials.login,
    password: credentials.password,
  });
  const posted = await fetch(new URL(loginUrl.pathname, loginUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: form,
  });
  return { status: posted.status, location: posted.headers.get('location'), body: await posted.text() };
}
