import { Agent, request } from 'node:https';
import { offlineAuthorizationRequest } from '@dex/shared/testing';

/** One answer, or why there was none (`error`: the connection failed or the deadline passed). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** `timeout` when nothing came back within the deadline, else the socket error's code. */
  error?: string;
}

/**
 * An HTTPS client for nginx in front of the workers: trusts the suite's own certificate,
 * keeps connections alive, and never waits longer than `timeoutMs` for an answer.
 */
export class HttpsClient {
  readonly #agent: Agent;
  readonly #origin: URL;

  constructor(options: { origin: string; ca: string; maxSockets?: number }) {
    this.#origin = new URL(options.origin);
    this.#agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32, ca: options.ca });
  }

  send(
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
  ): Promise<Answer> {
    const url = new URL(path, this.#origin);
    return new Promise((resolve) => {
      let settled = false;
      const done = (answer: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      };
      const req = request(
        url,
        {
          method,
          agent: this.#agent,
          headers: { ...options.headers, ...(options.body === undefined ? {} : { 'content-length': Buffer.byteLength(options.body) }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (error: NodeJS.ErrnoException) => done({ status: 0, headers: {}, body: '', error: error.code ?? error.message }));
        },
      );
      const timer = setTimeout(() => {
        done({ status: 0, headers: {}, body: '', error: 'timeout' });
        req.destroy();
      }, options.timeoutMs ?? 10_000);
      req.on('error', (error: NodeJS.ErrnoException) => done({ status: 0, headers: {}, body: '', error: error.code ?? error.message }));
      req.end(options.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

export const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const FORM = 'application/x-www-form-urlencoded';

/**
 * Logs a user in through nginx with the real pages (the local connector's form), PKCE and
 * `offline_access`, and redeems the code: the head of a refresh-token chain.
 */
export async function loginThrough(
  client: HttpsClient,
  options: { issuerPath: string; clientId: string; clientSecret: string; redirectUri: string; login: string; password: string },
): Promise<{ refreshToken: string; idToken: string }> {
  const { query, verifier } = offlineAuthorizationRequest({ ...options, scope: 'openid email offline_access' });
  const auth = await client.send('GET', `${options.issuerPath}/auth?${query}`);
  if (auth.status !== 302) throw new Error(`/auth through nginx answered ${auth.status}: ${auth.body.slice(0, 300)}`);
  const loginUrl = new URL(String(auth.headers.location), 'https://x');
  const page = await client.send('GET', `${loginUrl.pathname}${loginUrl.search}`);
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
  const cookie = String(page.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  const posted = await client.send('POST', loginUrl.pathname, {
    headers: { 'content-type': FORM, cookie },
    body: new URLSearchParams({
      session: field('session'),
      csrf_token: field('csrf_token'),
      login: options.login,
      password: options.password,
    }).toString(),
  });
  const code = new URL(String(posted.headers.location ?? ''), 'https://x').searchParams.get('code');
  if (code === null) throw new Error(`the login through nginx answered ${posted.status}: ${posted.body.slice(0, 300)}`);
  const tokens = await client.send('POST', `${options.issuerPath}/token`, {
    headers: { 'content-type': FORM, authorization: basic(options.clientId, options.clientSecret) },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: options.redirectUri,
    }).toString(),
  });
  const json = JSON.parse(tokens.body) as { refresh_token?: string; id_token?: string };
  if (tokens.status !== 200 || json.refresh_token === undefined || json.id_token === undefined) {
    throw new Error(`the code exchange through nginx answered ${tokens.status}: ${tokens.body.slice(0, 300)}`);
  }
  return { refreshToken: json.refresh_token, idToken: json.id_token };
}
