import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@dex/shared/db';
import { createUser } from '@dex/shared/domain/users';
import { walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient } from '#shared/admin-client.ts';
import { createConnectionManager } from '#main/connection/connection-manager.ts';
import { createDesktopBridge } from '#main/connection/create-desktop-bridge.ts';
import { createProfileStore, PROFILES_FILE_NAME } from '#main/profiles/profile-store.ts';
import {
  createDexSessions,
  createSignInSecrets,
  createTokenStore,
  DESKTOP_SESSIONS_FILE_NAME,
  type StoredDesktopSession,
  signInWithDex,
  startLoopbackListener,
} from '#main/sign-in/index.ts';
import { type DexStack, startDexStack } from '../support/dex-stack.ts';
import { createAesGcmCipher } from './support/aes-gcm-cipher.ts';

describe('desktop sign-in through dex, in the main process (RFC 8252 loopback redirect, PKCE), against a real worker and overlord', () => {
  let stack: DexStack;
  let dir: string;
  const admin = { email: 'desk-admin@example.com', password: 'a desktop password' };
  const notAdmin = { email: 'desk-user@example.com', password: 'only a user here' };

  beforeAll(async () => {
    // The overlord runs with --console-issuer: it provisions `dex-console-desktop` and exchanges its ID tokens.
    stack = await startDexStack('sqlite', { consoleSignIn: true });
    dir = await mkdtemp(join(tmpdir(), 'desktop-sign-in-'));
    const db = await createDatabase({ url: stack.dbUrl, maxConnections: 1 });
    try {
      await createUser(db.prisma, { ...admin, admin: true, localConnectorId: 'local' });
      await createUser(db.prisma, { ...notAdmin, localConnectorId: 'local' });
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('signs in against a real worker: the browser comes back to a loopback port, the ID token is verified', async () => {
    let authUrl = new URL('http://unset');
    const tokens = await signInWithDex({
      issuer: stack.issuer,
      // The system browser: the worker's login form, then the redirect to the loopback listener.
      openBrowser: async (url) => {
        authUrl = new URL(url);
        const walk = await walkLogin(url, { login: admin.email, password: admin.password });
        const page = await fetch(walk.location ?? '');
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('you can close this window');
      },
    });
    expect(authUrl.searchParams.get('client_id')).toBe('dex-console-desktop');
    expect(authUrl.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.email).toBe(admin.email);
    expect(tokens.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens.idToken.split('.')).toHaveLength(3);
    expect(tokens.expiresAt).toBeGreaterThan(Date.now());
    // The listener is gone once the sign-in ended.
    await expect(fetch(authUrl.searchParams.get('redirect_uri') ?? '')).rejects.toThrow();
  });

  it('the loopback listener takes only its own state, once; an error from dex ends the sign-in', async () => {
    const listener = await startLoopbackListener({ state: 'the-state' });
    expect((await fetch(listener.redirectUri.replace('/callback', '/other'))).status).toBe(404);
    const forged = await fetch(`${listener.redirectUri}?code=stolen&state=forged`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('does not belong to the sign-in');
    expect((await fetch(`${listener.redirectUri}?code=the-code&state=the-state`)).status).toBe(200);
    expect(await listener.code).toBe('the-code');

    const refused = await startLoopbackListener({ state: 's2' });
    await fetch(`${refused.redirectUri}?error=access_denied&error_description=denied+by+user&state=s2`);
    await expect(refused.code).rejects.toThrow('dex refused the sign-in: denied by user');

    const slow = await startLoopbackListener({ state: 's3', timeoutMs: 50 });
    await expect(slow.code).rejects.toThrow('did not finish in time');
  });

  it('makes a fresh S256 PKCE pair, state and nonce for every sign-in', () => {
    const a = createSignInSecrets();
    const b = createSignInSecrets();
    expect(a.codeChallenge).toBe(createHash('sha256').update(a.codeVerifier).digest('base64url'));
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([a.codeVerifier, a.state, a.nonce, b.codeVerifier, b.state, b.nonce]).size).toBe(6);
  });

  it('stores the sessions encrypted with the OS keychain only, per profile, and never in clear', async () => {
    const session: StoredDesktopSession = {
      origin: 'https://dex-admin.example.com',
      sessionToken: 'session-token-value',
      csrfToken: 'csrf-token-value',
      actor: 'desk-admin@example.com',
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    };
    const cipher = createAesGcmCipher();
    const path = join(dir, 'session');
    const store = createTokenStore({ path, cipher });
    await store.save('production', session);
    await store.save('staging', { ...session, sessionToken: 'staging-token' });
    const onDisk = await readFile(path, 'utf8');
    for (const secret of ['session-token-value', 'staging-token', 'csrf-token-value', 'desk-admin', 'production']) {
      expect(onDisk).not.toContain(secret);
    }
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await store.load('production')).toEqual(session);
    // Another keychain (another machine, a reset one) cannot read them: signed out.
    expect(await createTokenStore({ path, cipher: createAesGcmCipher() }).load('production')).toBeNull();
    // A session past its end is no session.
    expect(await createTokenStore({ path, cipher, now: () => new Date(Date.now() + 120_000) }).load('production')).toBeNull();
    await store.clear('production');
    expect(await store.load('production')).toBeNull();
    expect(await store.load('staging')).toMatchObject({ sessionToken: 'staging-token' });

    // No keychain: refused, nothing written.
    const plainPath = join(dir, 'plain');
    const plain = createTokenStore({ path: plainPath, cipher: { ...createAesGcmCipher(), isAvailable: async () => false } });
    await expect(plain.save('production', session)).rejects.toThrow('no OS keychain');
    await expect(stat(plainPath)).rejects.toThrow();
  });

  /** The desktop app's main process as `index.ts` wires it, with the keychain and the browser replaced. */
  const desktopApp = (options: {
    cipher: ReturnType<typeof createAesGcmCipher>;
    as: { email: string; password: string };
    /** What the browser does instead of logging in (the admin went away). */
    browser?: (url: string) => Promise<void>;
  }) => {
    const opened: string[] = [];
    const profiles = createProfileStore({ filePath: join(dir, PROFILES_FILE_NAME), cipher: options.cipher });
    const dex = createDexSessions({
      store: createTokenStore({ path: join(dir, DESKTOP_SESSIONS_FILE_NAME), cipher: options.cipher }),
      // The system browser: the admin logs in at the worker, which redirects to the loopback listener.
      openBrowser: async (url) => {
        opened.push(url);
        if (options.browser !== undefined) return options.browser(url);
        const walk = await walkLogin(url, { login: options.as.email, password: options.as.password });
        await fetch(walk.location ?? '');
      },
    });
    const connections = createConnectionManager({ profiles, createAdmin: createAdminClient, dex });
    return { opened, bridge: createDesktopBridge({ profiles, connections }) };
  };
  const auditActors = async (action: string) => {
    const audit = await createAdminClient({ baseUrl: stack.adminUrl, secret: stack.adminSecret }).listAuditEvents({ limit: 100 });
    return audit.items.filter((event) => event.action === action);
  };

  it('signs an admin in through the system browser, calls the admin API as them, keeps the session across restarts, and signs out', async () => {
    const cipher = createAesGcmCipher();
    const app = desktopApp({ cipher, as: admin });
    // A profile with no admin secret at all: dex is the way in.
    const saved = await app.bridge.profiles.save({ name: 'production', baseUrl: stack.adminUrl });
    if (!saved.ok) throw new Error(saved.error.message);

    const connected = await app.bridge.signIn.withDex({ profileId: saved.data.id });
    expect(connected).toMatchObject({
      ok: true,
      data: { profile: saved.data, signedInAs: admin.email, state: { AdminUserCreated: true } },
    });
    // The browser went to the overlord's console issuer, as the desktop client, to a loopback redirect.
    expect(app.opened).toHaveLength(1);
    const auth = new URL(app.opened[0] ?? '');
    expect(`${auth.origin}${auth.pathname}`).toBe(`${stack.issuer}/auth`);
    expect(auth.searchParams.get('client_id')).toBe('dex-console-desktop');
    expect(auth.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    // Nothing the renderer receives carries a token.
    expect(JSON.stringify(connected)).not.toMatch(/eyJ|sessionToken|csrf/i);

    // The admin API as the admin: a change carries the CSRF token, and the audit log names the admin.
    const made = await app.bridge.clients.create({ redirectUris: ['https://desk.example.com/cb'], name: 'Made on the desktop' });
    if (!made.ok) throw new Error(made.error.message);
    expect((await auditActors('client.create')).map((event) => [event.actor, event.targetId])).toContainEqual([
      admin.email,
      made.data.client.id,
    ]);
    expect(await auditActors('console.sign-in')).toContainEqual(expect.objectContaining({ actor: admin.email }));

    // Kept encrypted on disk: the token is not readable there...
    const onDisk = await readFile(join(dir, DESKTOP_SESSIONS_FILE_NAME), 'utf8');
    const stored = await createTokenStore({ path: join(dir, DESKTOP_SESSIONS_FILE_NAME), cipher }).load(saved.data.id);
    expect(stored?.sessionToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(onDisk).not.toContain(stored?.sessionToken);
    expect(onDisk).not.toContain(admin.email);
    // ...and the next start of the app signs in without the browser.
    const restarted = desktopApp({ cipher, as: admin });
    expect(await restarted.bridge.signIn.withDex({ profileId: saved.data.id })).toMatchObject({
      ok: true,
      data: { signedInAs: admin.email },
    });
    expect(restarted.opened).toEqual([]);

    // Sign-out ends the session at the overlord, and forgets it here.
    expect(await restarted.bridge.connection.disconnect()).toEqual({ ok: true, data: undefined });
    expect(await restarted.bridge.clients.list()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const revoked = await fetch(`${stack.adminUrl}/api/v1/session`, { headers: { cookie: `dex_console_session=${stored?.sessionToken}` } });
    expect(revoked.status).toBe(401);
    expect(await createTokenStore({ path: join(dir, DESKTOP_SESSIONS_FILE_NAME), cipher }).load(saved.data.id)).toBeNull();
  });

  it('signs in again in the browser when the kept session ended at the overlord', async () => {
    const cipher = createAesGcmCipher();
    const app = desktopApp({ cipher, as: admin });
    const saved = await app.bridge.profiles.save({ name: 'ended elsewhere', baseUrl: stack.adminUrl });
    if (!saved.ok) throw new Error(saved.error.message);
    expect((await app.bridge.signIn.withDex({ profileId: saved.data.id })).ok).toBe(true);
    const stored = await createTokenStore({ path: join(dir, DESKTOP_SESSIONS_FILE_NAME), cipher }).load(saved.data.id);
    // Signed out from somewhere else (the overlord forgot it).
    await fetch(`${stack.adminUrl}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie: `dex_console_session=${stored?.sessionToken}` },
    });

    const restarted = desktopApp({ cipher, as: admin });
    expect(await restarted.bridge.signIn.withDex({ profileId: saved.data.id })).toMatchObject({
      ok: true,
      data: { signedInAs: admin.email },
    });
    expect(restarted.opened).toHaveLength(1);
    expect((await restarted.bridge.keys.list()).ok).toBe(true);
  });

  it('gives up a sign-in waiting for the browser when the admin cancels it', async () => {
    const cipher = createAesGcmCipher();
    let redirectUri = '';
    let bridge: ReturnType<typeof desktopApp>['bridge'] | undefined;
    const app = desktopApp({
      cipher,
      as: admin,
      // The browser opened, and the admin closed it without signing in; then pressed Cancel.
      browser: async (url) => {
        redirectUri = new URL(url).searchParams.get('redirect_uri') ?? '';
        setTimeout(() => void bridge?.signIn.cancel(), 50);
      },
    });
    bridge = app.bridge;
    const saved = await app.bridge.profiles.save({ name: 'cancelled', baseUrl: stack.adminUrl });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(await app.bridge.signIn.withDex({ profileId: saved.data.id })).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'the sign-in was cancelled' },
    });
    expect(await app.bridge.connection.current()).toEqual({ ok: true, data: null });
    // The loopback listener is gone: a late redirect finds nobody.
    await expect(fetch(`${redirectUri}?code=late&state=x`)).rejects.toThrow();
  });

  it('refuses a user who is not an admin, with the overlord’s reason, and keeps nothing', async () => {
    const cipher = createAesGcmCipher();
    const app = desktopApp({ cipher, as: notAdmin });
    const saved = await app.bridge.profiles.save({ name: 'as bob', baseUrl: stack.adminUrl });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(await app.bridge.signIn.withDex({ profileId: saved.data.id })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: `${notAdmin.email} is not an admin of this dex (or is disabled), so it cannot use the console` },
    });
    expect(await app.bridge.connection.current()).toEqual({ ok: true, data: null });
    expect(await createTokenStore({ path: join(dir, DESKTOP_SESSIONS_FILE_NAME), cipher }).load(saved.data.id)).toBeNull();
  });
});
