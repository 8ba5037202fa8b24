import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '@dex/shared/db';
import { ensureConsoleClients } from '@dex/shared/domain/console-sessions';
import { createUser } from '@dex/shared/domain/users';
import { walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignInSecrets, createTokenStore, type DesktopTokens, signInWithDex, startLoopbackListener } from '#main/sign-in/index.ts';
import { type DexStack, startDexStack } from '../support/dex-stack.ts';
import { createAesGcmCipher } from './support/aes-gcm-cipher.ts';

describe('desktop sign-in through dex, in the main process (RFC 8252 loopback redirect, PKCE)', () => {
  let stack: DexStack;
  let dir: string;
  const admin = { email: 'desk-admin@example.com', password: 'a desktop password' };

  beforeAll(async () => {
    stack = await startDexStack('sqlite', {});
    dir = await mkdtemp(join(tmpdir(), 'desktop-sign-in-'));
    const db = await createDatabase({ url: stack.dbUrl, maxConnections: 1 });
    try {
      await ensureConsoleClients(db.prisma, { redirectUri: `${stack.adminUrl}/console/callback`, secret: 'x'.repeat(43) });
      await createUser(db.prisma, { ...admin, admin: true, localConnectorId: 'local' });
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

  it('stores the tokens encrypted with the OS keychain only, and never in clear', async () => {
    const tokens: DesktopTokens = {
      idToken: 'eyJ.id.token',
      accessToken: 'access-token-value',
      refreshToken: 'refresh-token-value',
      expiresAt: Date.now() + 60_000,
      userId: 'u1',
      email: 'desk-admin@example.com',
    };
    const cipher = createAesGcmCipher();
    const path = join(dir, 'session');
    const store = createTokenStore({ path, cipher });
    await store.save(tokens);
    const onDisk = await readFile(path, 'utf8');
    for (const secret of ['eyJ.id.token', 'access-token-value', 'refresh-token-value', 'desk-admin']) expect(onDisk).not.toContain(secret);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await store.load()).toEqual(tokens);
    // Another keychain (another machine, a reset one) cannot read them: signed out.
    expect(await createTokenStore({ path, cipher: createAesGcmCipher() }).load()).toBeNull();
    await store.clear();
    expect(await store.load()).toBeNull();

    // No keychain: refused, nothing written.
    const plain = createTokenStore({ path, cipher: { ...createAesGcmCipher(), isAvailable: async () => false } });
    await expect(plain.save(tokens)).rejects.toThrow('no OS keychain');
    await expect(stat(path)).rejects.toThrow();
  });
});
