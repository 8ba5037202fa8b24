import { testProviders } from '@dex/shared/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startAppOrigin } from '../support/chromium.ts';
import { basicAuth } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

interface FetchOutcome {
  status?: number;
  body?: unknown;
  blocked?: string;
}

/** What `fetch` in the page tells the app's own code: the answer, or that the browser withheld it. */
function fetchFromPage(page: Page, url: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  return page.evaluate(
    async ({ url, init }): Promise<FetchOutcome> => {
      try {
        const response = await fetch(url, init);
        return { status: response.status, body: await response.json() };
      } catch (error) {
        return { blocked: String(error) };
      }
    },
    { url, init },
  );
}

/**
 * CORS as a browser enforces it: Chromium runs an app's code on another origin, and its
 * `fetch` (with the preflight an `Authorization` header sets off) reaches the worker's machine
 * endpoints only from origins the worker allows.
 */
describe.each(testProviders(process.env))('a browser app on another origin (Chromium) (%s)', (provider) => {
  let stack: WorkerStack;
  let browser: Browser;
  let app: Awaited<ReturnType<typeof startAppOrigin>>;
  let stranger: Awaited<ReturnType<typeof startAppOrigin>>;
  let client: { id: string; secret: string };
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    app = await startAppOrigin('127.0.0.1');
    stranger = await startAppOrigin('localhost');
    client = await stack.addClient({ redirectUris: [`${app.origin}/callback`] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await stranger?.close();
    await stack?.stop();
  });

  it("reads discovery, JWKS and a preflighted token response from the client's own origin", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.origin}/`);
    const discovery = await fetchFromPage(page, `${stack.issuer}/.well-known/openid-configuration`, {});
    expect(discovery).toMatchObject({ status: 200, body: { issuer: stack.issuer } });
    expect(await fetchFromPage(page, `${stack.issuer}/keys`, {})).toMatchObject({ status: 200, body: { keys: expect.any(Array) } });
    const token = await fetchFromPage(page, `${stack.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(client), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(token).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
    await page.close();
  });

  it('withholds every answer from an origin no client registered', async () => {
    const page = await browser.newPage();
    await page.goto(`${stranger.origin}/`);
    const discovery = await fetchFromPage(page, `${stack.issuer}/.well-known/openid-configuration`, {});
    expect(discovery.blocked).toMatch(/Failed to fetch/);
    const token = await fetchFromPage(page, `${stack.issuer}/token`, {
      method: 'POST',
      headers: { authorization: basicAuth(client), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(token.blocked).toMatch(/Failed to fetch/);
    await page.close();
  });
});
