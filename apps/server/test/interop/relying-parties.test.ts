import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { testProviders, walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDevice } from '../support/device.ts';
import { authorizationUrl, codeFlowUrl, redeemCode } from '../support/relying-party.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/**
 * Interop: relying-party libraries nobody here wrote, `openid-client` and `oauth4webapi`
 * (both from npm), run the flows a real application runs against a live worker: the code
 * flow with PKCE, refresh (one token six times at once too, within the worker's default reuse
 * window), and the device flow with a person approving in a browser.
 */
const REDIRECT_URI = 'http://127.0.0.1:5555/callback';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

async function loginAt(stack: WorkerStack, authorizationUrl: URL): Promise<URL> {
  const user = await stack.addUser();
  const walk = await walkLogin(authorizationUrl.toString(), { login: user.email, password: user.password });
  if (walk.location === null) throw new Error(`login did not redirect: ${walk.status}`);
  return new URL(walk.location);
}

/** A person approves a device's code in a browser, logging in as `user` (RFC 8628 §3.3). */
async function approveAs(
  stack: WorkerStack,
  user: { email: string; password: string },
  device: { verification_uri: string; user_code: string },
): Promise<void> {
  await approveDevice(stack.issuer, {
    uri: device.verification_uri,
    userCode: device.user_code,
    login: user.email,
    password: user.password,
    decision: 'approve',
  });
}

describe.each(testProviders(process.env))('relying parties against a live worker (%s)', (provider) => {
  let stack: WorkerStack;
  let webApp: { id: string; secret: string };
  let cli: { id: string };
  beforeAll(async () => {
    // The worker's default reuse window (3 s), as a deployment runs: the concurrent refreshes
    // below depend on it, and nothing here reuses a token on purpose.
    stack = await startWorkerStack(provider, { refreshTokenReuseIntervalMs: 3_000 });
    webApp = await stack.addClient({ redirectUris: [REDIRECT_URI], name: 'web app' });
    cli = await stack.addClient({ redirectUris: [REDIRECT_URI], public: true, name: 'a CLI' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('openid-client', () => {
    it('runs the code flow with PKCE, state and nonce, then refreshes and reads userinfo', async () => {
      const config = await oidc.discovery(new URL(stack.issuer), webApp.id, webApp.secret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const { url, verifier } = await codeFlowUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid email profile offline_access',
        state,
        nonce,
      });
      const callback = await loginAt(stack, url);
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const subject = tokens.claims()?.sub ?? '';
      expect(subject).not.toBe('');
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect(refreshed.claims()?.sub).toBe(subject);
      const userinfo = await oidc.fetchUserInfo(config, refreshed.access_token, subject);
      expect(userinfo.sub).toBe(subject);
    });

    it('refreshes one token six times at once, as two tabs or mod_auth_openidc do, and the session lives on', async () => {
      const config = await oidc.discovery(new URL(stack.issuer), webApp.id, webApp.secret, undefined, {
        execute: [oidc.allowInsecureRequests],
      });
      const { url, verifier } = await codeFlowUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid offline_access' });
      const tokens = await oidc.authorizationCodeGrant(config, await loginAt(stack, url), { pkceCodeVerifier: verifier });
      const parallel = await Promise.allSettled(
        Array.from({ length: 6 }, () => oidc.refreshTokenGrant(config, tokens.refresh_token ?? '')),
      );
      expect(parallel.map((outcome) => outcome.status)).toEqual(Array(6).fill('fulfilled'));
      const successors = parallel.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.refresh_token ?? ''] : []));
      // Every tab carries on with the token it got: the family was not revoked.
      for (const successor of successors) {
        const next = await oidc.refreshTokenGrant(config, successor);
        expect(next.claims()?.sub).toBe(tokens.claims()?.sub);
      }
    });

    it('runs the device flow as a public client', async () => {
      const user = await stack.addUser();
      const config = await oidc.discovery(new URL(stack.issuer), cli.id, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
      const polling = oidc.pollDeviceAuthorizationGrant(config, device);
      await approveAs(stack, user, device);
      expect((await polling).claims()?.sub).toBe(user.id);
    });
  });

  describe('oauth4webapi', () => {
    let as: oauth.AuthorizationServer;
    beforeAll(async () => {
      const issuer = new URL(stack.issuer);
      as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    });

    /**
     * A user logs in through the code flow with PKCE, a state and a nonce (oauth4webapi checks
     * the iss response parameter), and the web app redeems the code.
     */
    async function signIn(): Promise<{ tokens: oauth.TokenEndpointResponse; subject: string }> {
      const { url, verifier, state, nonce } = await authorizationUrl(as, webApp.id, REDIRECT_URI, { scope: 'openid email offline_access' });
      const tokens = await redeemCode(as, webApp, await loginAt(stack, url), { redirectUri: REDIRECT_URI, verifier, state, nonce });
      return { tokens, subject: oauth.getValidatedIdTokenClaims(tokens)?.sub ?? '' };
    }

    it('runs the code flow with PKCE, state and nonce (checking the iss response parameter), then refreshes', async () => {
      const client: oauth.Client = { client_id: webApp.id };
      const auth = oauth.ClientSecretBasic(webApp.secret);
      const { tokens, subject } = await signIn();
      expect(subject).not.toBe('');
      const refresh = await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token ?? '', insecure);
      const refreshed = await oauth.processRefreshTokenResponse(as, client, refresh);
      expect(oauth.getValidatedIdTokenClaims(refreshed)?.sub).toBe(subject);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    });

    it('refreshes one token six times at once, and every tab carries on with what it got', async () => {
      const client: oauth.Client = { client_id: webApp.id };
      const auth = oauth.ClientSecretBasic(webApp.secret);
      const { tokens, subject } = await signIn();
      const refresh = (token: string) => oauth.refreshTokenGrantRequest(as, client, auth, token, insecure);

      // Six tabs find the access token stale at the same moment and refresh with the one token they share.
      const answers = await Promise.all(Array.from({ length: 6 }, () => refresh(tokens.refresh_token ?? '')));
      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      const tabs = await Promise.all(answers.map((answer) => oauth.processRefreshTokenResponse(as, client, answer)));
      for (const tab of tabs) {
        expect(oauth.getValidatedIdTokenClaims(tab)?.sub).toBe(subject);
        expect(tab.refresh_token).toEqual(expect.any(String));
        expect(tab.refresh_token).not.toBe(tokens.refresh_token);
        // Each tab's new access token reads userinfo.
        const info = await oauth.processUserInfoResponse(
          as,
          client,
          subject,
          await oauth.userInfoRequest(as, client, tab.access_token, insecure),
        );
        expect(info.sub).toBe(subject);
      }

      // The session lives: a later refresh from one tab's successor works, and so does its access token.
      const later = await oauth.processRefreshTokenResponse(as, client, await refresh(tabs[5]?.refresh_token ?? ''));
      expect(oauth.getValidatedIdTokenClaims(later)?.sub).toBe(subject);
      const info = await oauth.processUserInfoResponse(
        as,
        client,
        subject,
        await oauth.userInfoRequest(as, client, later.access_token, insecure),
      );
      expect(info).toMatchObject({ sub: subject, email: oauth.getValidatedIdTokenClaims(tokens)?.email });
    });

    it('runs the device flow as a public client, hearing authorization_pending until the user approves', async () => {
      const user = await stack.addUser();
      const client: oauth.Client = { client_id: cli.id };
      const auth = oauth.None();
      const started = await oauth.deviceAuthorizationRequest(as, client, auth, { scope: 'openid email' }, insecure);
      const device = await oauth.processDeviceAuthorizationResponse(as, client, started);
      const pending = oauth.processDeviceCodeResponse(
        as,
        client,
        await oauth.deviceCodeGrantRequest(as, client, auth, device.device_code, insecure),
      );
      await expect(pending).rejects.toMatchObject({ error: 'authorization_pending' });
      await approveAs(stack, user, device);
      await new Promise((resolve) => setTimeout(resolve, (device.interval ?? 5) * 1000 + 100));
      const tokens = await oauth.processDeviceCodeResponse(
        as,
        client,
        await oauth.deviceCodeGrantRequest(as, client, auth, device.device_code, insecure),
      );
      expect(oauth.getValidatedIdTokenClaims(tokens)?.email).toBe(user.email);
    });
  });
});
