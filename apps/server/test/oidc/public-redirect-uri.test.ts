import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/**
 * RFC 8252 §7.3 gives a native app's loopback redirect URI leeway in the port only, and only
 * for a loopback URI it registered. A public client that registered other URIs only (claimed
 * https URLs) gets no loopback URI it did not register.
 */
describe.each(testProviders(process.env))(
  'public clients: loopback leeway only for a registered loopback URI, RFC8252 §7.3 (%s)',
  (provider) => {
    let stack: WorkerStack;
    beforeAll(async () => {
      stack = await startWorkerStack(provider);
    });
    afterAll(async () => {
      await stack?.stop();
    });

    const authorize = (client: TestClient, redirectUri: string) => {
      const url = new URL(`${stack.issuer}/auth`);
      url.search = new URLSearchParams({
        client_id: client.id,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      return fetch(url, { redirect: 'manual' });
    };

    async function expectRefused(client: TestClient, uri: string): Promise<void> {
      const response = await authorize(client, uri);
      expect(response.status, uri).toBe(400);
      // An error page at dex, never a redirect to the unregistered URI.
      expect(response.headers.get('location'), uri).toBeNull();
      expect(await response.text(), uri).toContain('redirect_uri is not registered for this client');
    }

    it('a public client that registered only non-loopback URIs cannot be sent to any loopback URI', async () => {
      const client = await stack.addClient({
        public: true,
        name: 'Mobile app',
        redirectUris: ['https://app.example/callback', 'https://app.example/other'],
      });
      for (const uri of ['http://127.0.0.1:49152/callback', 'http://localhost:8080/', 'http://[::1]:61000/anything', 'http://127.0.0.1/']) {
        await expectRefused(client, uri);
      }
      // Its registered URIs still work, exactly as registered.
      for (const uri of ['https://app.example/callback', 'https://app.example/other']) {
        const response = await authorize(client, uri);
        expect(response.status, uri).toBe(302);
        expect(response.headers.get('location'), uri).toContain('/dex/auth/local/login');
      }
    });

    it('a public client with a registered loopback URI gets the port leeway on that URI only, not on its other loopback hosts or paths', async () => {
      const client = await stack.addClient({
        public: true,
        name: 'CLI',
        redirectUris: ['https://app.example/cb', 'http://127.0.0.1:5555/callback'],
      });
      expect((await authorize(client, 'http://127.0.0.1:40000/callback')).status).toBe(302);
      for (const uri of ['http://localhost:40000/callback', 'http://127.0.0.1:40000/', 'http://[::1]:40000/callback']) {
        await expectRefused(client, uri);
      }
    });

    it('a public client that registered no URI at all (dex v0’s public client) keeps loopback and out-of-band redirects', async () => {
      const client = await stack.addClient({ public: true, name: 'Native CLI', redirectUris: [] });
      for (const uri of ['http://127.0.0.1:49152/callback', 'http://localhost:8080', 'urn:ietf:wg:oauth:2.0:oob']) {
        const response = await authorize(client, uri);
        expect(response.status, uri).toBe(302);
        expect(response.headers.get('location'), uri).toContain('/dex/auth/local/login');
      }
      await expectRefused(client, 'https://evil.example/callback');
    });
  },
);
