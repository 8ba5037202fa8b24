import { ConnectionSteps, type ConnectionStep } from './connection-steps.ts';
import { describeUpstreamError } from './upstream-discovery.ts';

export interface TestOidcConnectionOptions {
  issuerURL: string;
  /** The bound of each request (default 10 s, as the worker's discovery). */
  timeoutMs?: number;
}

/** A failure this module detected itself: its message is already the whole story. */
class CheckFailed extends Error {}

function describe(error: unknown): string {
  return error instanceof CheckFailed ? error.message : describeUpstreamError(error);
}

/** GETs a JSON object, bounded by the timeout; throws with the status or the reason. */
async function fetchJsonObject(url: string, timeoutMs: number): Promise<{ status: number; body: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = describeUpstreamError(error);
    throw new CheckFailed(`${url}: ${reason === 'timed out' ? `no answer within ${timeoutMs} ms` : reason}`);
  }
  if (!response.ok) throw new CheckFailed(`${url} answered HTTP ${response.status}`);
  const body: unknown = await response.json().catch(() => null);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CheckFailed(`${url} did not answer with a JSON object`);
  return { status: response.status, body: body as Record<string, unknown> };
}

/**
 * What the worker's OIDC connector needs from its upstream, checked the way it uses it:
 * the discovery document (`<issuer>/.well-known/openid-configuration`), its `issuer` equal
 * to the configured issuer URL (OpenID Connect Discovery §4.3), and the JWKS at its
 * `jwks_uri` holding at least one key. Every request is bounded by `timeoutMs`. The client
 * secret is not used: no step authenticates.
 * @example (await testOidcConnection({ issuerURL: 'https://accounts.example.com' })).map((step) => step.ok)
 */
export async function testOidcConnection(options: TestOidcConnectionOptions): Promise<ConnectionStep[]> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const steps = new ConnectionSteps(describe);
  const discoveryURL = `${options.issuerURL.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const metadata = await steps.run('Fetch the discovery document', async () => {
    const { status, body } = await fetchJsonObject(discoveryURL, timeoutMs);
    return { message: `${discoveryURL} answered HTTP ${status}`, value: body };
  });
  const jwksURI = await steps.run('Check the issuer', async () => {
    const issuer = metadata?.issuer;
    if (issuer !== options.issuerURL) {
      throw new CheckFailed(`the provider calls itself ${JSON.stringify(issuer ?? null)}, not ${JSON.stringify(options.issuerURL)}`);
    }
    const jwks = metadata?.jwks_uri;
    if (typeof jwks !== 'string') throw new CheckFailed('the discovery document has no jwks_uri');
    return { message: `the issuer is ${issuer}`, value: jwks };
  });
  await steps.run('Fetch the signing keys (JWKS)', async () => {
    const { body } = await fetchJsonObject(jwksURI ?? '', timeoutMs);
    const keys = Array.isArray(body.keys) ? body.keys.length : 0;
    if (keys === 0) throw new CheckFailed(`${jwksURI} lists no keys`);
    return { message: `${jwksURI} lists ${keys} key${keys === 1 ? '' : 's'}`, value: keys };
  });
  return steps.steps;
}
