import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe('authorization server metadata RFC8414', () => {
  let stack: WorkerStack;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('publishes the OpenID Provider metadata without its OIDC-only members, and oauth4webapi accepts it', async () => {
    const response = await fetch(`${stack.issuer}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = await oauth.processDiscoveryResponse(new URL(stack.issuer), response.clone());
    expect(metadata).toMatchObject({
      issuer: stack.issuer,
      authorization_endpoint: `${stack.issuer}/auth`,
      token_endpoint: `${stack.issuer}/token`,
      jwks_uri: `${stack.issuer}/keys`,
      revocation_endpoint: `${stack.issuer}/token/revoke`,
      introspection_endpoint: `${stack.issuer}/token/introspect`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    const body = (await response.json()) as Record<string, unknown>;
    for (const oidcOnly of [
      'userinfo_endpoint',
      'end_session_endpoint',
      'subject_types_supported',
      'id_token_signing_alg_values_supported',
    ]) {
      expect(body).not.toHaveProperty(oidcOnly);
    }
    // Whatever both documents say, they say alike.
    const discovery = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    for (const [name, value] of Object.entries(body)) expect(discovery[name], name).toEqual(value);
  });
});
