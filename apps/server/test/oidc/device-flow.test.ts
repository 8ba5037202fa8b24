import * as oidc from 'openid-client';
import { USER_CODE_ALPHABET } from '@dex/shared/domain/auth';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { approveDevice, formField } from '../support/device.ts';
import { basicAuth } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface DeviceResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

function form(url: string, params: Record<string, string>, authorization?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(params),
  });
}

async function startDevice(stack: WorkerStack, clientId: string, scope = 'openid email'): Promise<DeviceResponse> {
  const response = await form(`${stack.issuer}/device/code`, { client_id: clientId, scope });
  expect(response.status).toBe(200);
  return (await response.json()) as DeviceResponse;
}

async function poll(stack: WorkerStack, clientId: string, deviceCode: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await form(`${stack.issuer}/token`, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: clientId });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testProviders(process.env))('Device Authorization Grant RFC8628 (%s)', (provider) => {
  let stack: WorkerStack;
  let tv: { id: string };
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    tv = await stack.addClient({ public: true, name: 'Living Room TV', redirectUris: ['http://127.0.0.1:5555/callback'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is advertised in discovery', async () => {
    const metadata = (await (await fetch(`${stack.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata.device_authorization_endpoint).toBe(`${stack.issuer}/device/code`);
    expect(metadata.grant_types_supported).toContain(DEVICE_GRANT);
  });

  it("lets openid-client poll while a user enters the code, logs in and approves; the tokens are the user's", async () => {
    const user = await stack.addUser();
    const config = await oidc.discovery(new URL(stack.issuer), tv.id, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email offline_access' });
    expect(device.user_code).toMatch(new RegExp(`^[${USER_CODE_ALPHABET}]{4}-[${USER_CODE_ALPHABET}]{4}$`));
    expect(device.verification_uri).toBe(`${stack.issuer}/device`);
    expect(device.verification_uri_complete).toBe(`${stack.issuer}/device?user_code=${device.user_code}`);
    expect(device.expires_in).toBe(600);
    expect(device.interval).toBe(1);

    const polling = oidc.pollDeviceAuthorizationGrant(config, device);
    // The person types the code in lower case with a space instead of the dash.
    const typed = device.user_code.toLowerCase().replace('-', ' ');
    const approval = await approveDevice(stack.issuer, {
      uri: device.verification_uri,
      userCode: typed,
      login: user.email,
      password: user.password,
      decision: 'approve',
    });
    expect(approval.status).toBe(200);
    expect(approval.html).toContain('Device connected');

    const tokens = await polling;
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(tokens.claims()?.email).toBe(user.email);
    expect(tokens.claims()?.aud).toBe(tv.id);
    expect(tokens.scope).toBe('openid email offline_access');
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    expect(userinfo.email).toBe(user.email);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.claims()?.sub).toBe(user.id);
    // The device code is spent.
    await sleep(1_100);
    expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('shows the code prefilled from verification_uri_complete and names the client on the confirmation page', async () => {
    const user = await stack.addUser();
    const device = await startDevice(stack, tv.id);
    const browser = new TestBrowser(stack.issuer);
    const entry = await browser.follow(device.verification_uri_complete);
    expect(entry.response.status).toBe(200);
    const entryHtml = await entry.response.text();
    expect(entryHtml).toContain(`value="${device.user_code}"`);
    const login = await browser.follow(`${stack.issuer}/device`, {
      form: { csrf_token: formField(entryHtml, 'csrf_token'), user_code: device.user_code },
    });
    const confirm = await browser.submitLogin(
      { url: login.url, html: await login.response.text() },
      { login: user.email, password: user.password },
    );
    const confirmHtml = await confirm.response.text();
    expect(confirm.url.pathname).toBe(`${new URL(stack.issuer).pathname}/device/callback`);
    expect(confirmHtml).toContain('Allow Living Room TV on your device?');
    expect(confirmHtml).toContain(user.email);
    // Without the CSRF token the decision is refused, and the request stays undecided.
    const forged = await browser.request(`${stack.issuer}/device/callback`, { form: { decision: 'approve' } });
    expect(forged.status).toBe(400);
    expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ body: { error: 'authorization_pending' } });
  });

  it('answers authorization_pending, then slow_down for a poll within the interval, which then grows by 5 s', async () => {
    const device = await startDevice(stack, tv.id);
    expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
    expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ status: 400, body: { error: 'slow_down' } });
    await sleep(1_100);
    // One second is the old interval; it is 6 s now.
    expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ body: { error: 'slow_down' } });
  });

  it('holds the interval across workers: a poll to another worker right after one is slow_down', async () => {
    const other = await stack.startAnotherWorker();
    const device = await startDevice(stack, tv.id);
    expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ body: { error: 'authorization_pending' } });
    const elsewhere = await form(`${other.issuer}/token`, { grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: tv.id });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ error: 'slow_down' });
  });

  it('answers access_denied once the user denies', async () => {
    const user = await stack.addUser();
    const device = await startDevice(stack, tv.id);
    const denial = await approveDevice(stack.issuer, {
      uri: device.verification_uri,
      userCode: device.user_code,
      login: user.email,
      password: user.password,
      decision: 'deny',
    });
    expect(denial.html).toContain('Device denied');
    expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('uses the browser session: a logged-in user only confirms; a login returning to another browser is refused', async () => {
    const user = await stack.addUser();
    const first = await startDevice(stack, tv.id);
    const approved = await approveDevice(stack.issuer, {
      uri: first.verification_uri,
      userCode: first.user_code,
      login: user.email,
      password: user.password,
      decision: 'approve',
    });
    expect(approved.html).toContain('Device connected');
    // Same browser, second device: no password form this time.
    const second = await startDevice(stack, tv.id);
    const again = await approveDevice(stack.issuer, {
      uri: second.verification_uri,
      userCode: second.user_code,
      login: user.email,
      password: 'not used',
      decision: 'approve',
      browser: approved.browser,
    });
    expect(again.html).toContain('Device connected');
    await sleep(1_100);
    expect((await poll(stack, tv.id, second.device_code)).status).toBe(200);

    // A callback URL carried to a browser without the binding cookie gets nowhere.
    const third = await startDevice(stack, tv.id);
    const page = await approved.browser.follow(third.verification_uri);
    const entered = await approved.browser.request(`${stack.issuer}/device`, {
      form: { csrf_token: formField(await page.response.text(), 'csrf_token'), user_code: third.user_code },
    });
    const toAuth = new URL(entered.headers.get('location') ?? '', stack.issuer);
    const callback = new URL((await approved.browser.request(toAuth)).headers.get('location') ?? '', stack.issuer);
    expect(callback.pathname).toBe(`${new URL(stack.issuer).pathname}/device/callback`);
    const stranger = new TestBrowser(stack.issuer);
    const refused = await stranger.request(callback);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('started in another browser');
  });

  it('limits wrong user codes per address', async () => {
    const device = await startDevice(stack, tv.id);
    const browser = new TestBrowser(stack.issuer);
    const page = await (await browser.follow(device.verification_uri)).response.text();
    const csrf = formField(page, 'csrf_token');
    for (let i = 0; i < 10; i++) {
      const wrong = await browser.request(`${stack.issuer}/device`, { form: { csrf_token: csrf, user_code: 'BBBB-BBBB' } });
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toContain('That code is not valid or has expired.');
    }
    const blocked = await browser.request(`${stack.issuer}/device`, { form: { csrf_token: csrf, user_code: device.user_code } });
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain('Too many wrong codes');
  });

  it("refuses bad requests with RFC 6749 errors: no openid, an unauthenticated confidential client, another client's device code", async () => {
    const noOpenid = await form(`${stack.issuer}/device/code`, { client_id: tv.id, scope: 'email' });
    expect(noOpenid.status).toBe(400);
    expect(await noOpenid.json()).toMatchObject({ error: 'invalid_scope' });
    const confidential = await stack.addClient();
    const unauthenticated = await form(`${stack.issuer}/device/code`, { client_id: confidential.id, scope: 'openid' });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: 'invalid_client' });
    const authenticated = await form(`${stack.issuer}/device/code`, { scope: 'openid' }, basicAuth(confidential));
    expect(authenticated.status).toBe(200);
    const device = (await authenticated.json()) as DeviceResponse;
    expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(await poll(stack, tv.id, 'made-up')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const missing = await form(`${stack.issuer}/token`, { grant_type: DEVICE_GRANT, client_id: tv.id });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe.each(testProviders(process.env))('Device Authorization Grant RFC8628: expiry (%s)', (provider) => {
  it('answers expired_token once the request outlived --device-code-ttl, and the code page refuses its user code', async () => {
    const stack = await startWorkerStack(provider, { device: { codeTtlMs: 1_000, pollIntervalSeconds: 1 } });
    try {
      const tv = await stack.addClient({ public: true, name: 'tv' });
      const device = await startDevice(stack, tv.id);
      expect(device.expires_in).toBe(1);
      await sleep(1_200);
      expect(await poll(stack, tv.id, device.device_code)).toMatchObject({ status: 400, body: { error: 'expired_token' } });
      const browser = new TestBrowser(stack.issuer);
      const page = await (await browser.follow(device.verification_uri)).response.text();
      const late = await browser.request(`${stack.issuer}/device`, {
        form: { csrf_token: formField(page, 'csrf_token'), user_code: device.user_code },
      });
      expect(late.status).toBe(400);
    } finally {
      await stack.stop();
    }
  });
});
