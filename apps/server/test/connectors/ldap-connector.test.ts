import { createServer, type Server, type Socket } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, readHealth, type TestClient, tokenRequest } from '../support/flows.ts';
import { requireSlapd, type Slapd, startSlapd } from '../support/slapd.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';
import { readConnectorLogins } from './login-metrics.ts';

const RP_ORIGIN = 'http://127.0.0.1:5555';
const SUFFIX = 'dc=example,dc=com';
const PEOPLE = `ou=people,${SUFFIX}`;
const GROUPS = `ou=groups,${SUFFIX}`;
const SERVICE_DN = `cn=svc,${SUFFIX}`;
const SERVICE_PW = 'svc-secret-81d0';

const person = (uid: string, dnValue: string, cn: string, mail: string | null, password: string) =>
  [
    `dn: uid=${dnValue},${PEOPLE}`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${cn}`,
    `sn: ${cn.split(' ').at(-1)}`,
    ...(mail === null ? [] : [`mail: ${mail}`]),
    `userPassword: ${password}`,
    '',
  ].join('\n');

const FIXTURE = [
  [`dn: ${SUFFIX}`, 'objectClass: dcObject', 'objectClass: organization', 'o: Example', 'dc: example', ''].join('\n'),
  [`dn: ${PEOPLE}`, 'objectClass: organizationalUnit', 'ou: people', ''].join('\n'),
  [`dn: ${GROUPS}`, 'objectClass: organizationalUnit', 'ou: groups', ''].join('\n'),
  [
    `dn: ${SERVICE_DN}`,
    'objectClass: organizationalRole',
    'objectClass: simpleSecurityObject',
    'cn: svc',
    `userPassword: ${SERVICE_PW}`,
    '',
  ].join('\n'),
  person('jane', 'jane', 'Jane Doe', 'jane@ldap.example', 'jane-pass-1'),
  person('john', 'john', 'John Roe', 'john@ldap.example', 'john-pass-2'),
  person('admin', 'admin', 'Admin Person', 'admin@ldap.example', 'admin-pass-3'),
  person('ann+b', 'ann\\+b', 'Ann Plus', 'ann@ldap.example', 'ann-pass-4'),
  person('nomail', 'nomail', 'No Mail', null, 'nomail-pass-5'),
  person('sam', 'sam', 'Sam Search', 'sam@ldap.example', 'sam-pass-6'),
  person('tina', 'tina', 'Tina StartTLS', 'tina@ldap.example', 'tina-pass-7'),
  person('lars', 'lars', 'Lars LDAPS', 'lars@ldap.example', 'lars-pass-8'),
  person('rita', 'rita', 'Rita Limit', 'rita@ldap.example', 'rita-pass-9'),
  [`dn: cn=admins,${GROUPS}`, 'objectClass: groupOfNames', 'cn: admins', `member: uid=jane,${PEOPLE}`, ''].join('\n'),
  [
    `dn: cn=developers,${GROUPS}`,
    'objectClass: groupOfNames',
    'cn: developers',
    `member: uid=jane,${PEOPLE}`,
    `member: uid=sam,${PEOPLE}`,
    '',
  ].join('\n'),
].join('\n');

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('ldap test setup', () => {
  it('has OpenLDAP installed (slapd, ldap-utils)', () => {
    expect(() => requireSlapd()).not.toThrow();
  });
});

describe.each(testProviders(process.env))('ldap connector against a real slapd (%s)', (provider) => {
  let slapd: Slapd;
  let stack: WorkerStack;
  /** Accepts connections and never answers (a hung directory). */
  let silent: Server;
  const silentSockets = new Set<Socket>();

  const base = (): Record<string, unknown> => ({ type: 'ldap', host: slapd.host, timeout: 5_000 });
  const connectors = (): TConnectorConfig[] =>
    [
      { type: 'local', id: 'local' },
      { ...base(), id: 'ldap', baseDN: PEOPLE, bindTemplate: 'uid=%u,%b', searchGroupFilter: '(member=%u)', groupBaseDN: GROUPS },
      { ...base(), id: 'ldap-d', baseDN: PEOPLE, bindTemplate: 'uid=%u,%d' },
      { ...base(), id: 'ldap-starttls', baseDN: PEOPLE, useTLS: true, caFile: slapd.caFile },
      { ...base(), id: 'ldap-ldaps', host: slapd.ldapsHost, baseDN: PEOPLE, useSSL: true, caFile: slapd.caFile },
      { ...base(), id: 'ldap-untrusted', host: slapd.ldapsHost, baseDN: PEOPLE, useSSL: true },
      { ...base(), id: 'ldap-hang', host: `127.0.0.1:${(silent.address() as { port: number }).port}`, baseDN: PEOPLE, timeout: '500ms' },
      {
        ...base(),
        id: 'ldap-search',
        baseDN: PEOPLE,
        searchBeforeAuth: true,
        searchFilter: '(&(objectClass=inetOrgPerson)(uid=%u))',
        searchScope: 'one',
        searchBindDN: SERVICE_DN,
        searchBindPw: SERVICE_PW,
        searchGroupFilter: '(&(objectClass=groupOfNames)(member=%u))',
        groupBaseDN: GROUPS,
      },
    ] as TConnectorConfig[];

  beforeAll(async () => {
    silent = createServer((socket) => {
      silentSockets.add(socket);
      socket.on('close', () => silentSockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    slapd = await startSlapd({ suffix: SUFFIX, tls: true });
    await slapd.add(FIXTURE);
    stack = await startWorkerStack(provider, { enableAutomaticRegistration: true });
    await stack.setConnectors(connectors());
    await eventually(
      async () => ((await readHealth(stack)).checks['connector:ldap-search'] === undefined ? undefined : true),
      'ldap loading',
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await slapd?.stop();
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
  });

  function authUrl(client: TestClient, connectorId: string, challenge: string): URL {
    const url = new URL(`${stack.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: client.id,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: 'openid email profile groups',
      state: 'rp-state',
      nonce: 'rp-nonce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      connector_id: connectorId,
    }).toString();
    return url;
  }

  /** /auth → the connector's form → a POST with the credentials; ends at the RP or on a page. */
  async function login(connectorId: string, username: string, password: string) {
    const client = await stack.addClient();
    const { verifier, challenge } = pkcePair();
    const browser = new TestBrowser(stack.issuer);
    const form = await browser.follow(authUrl(client, connectorId, challenge));
    expect(form.response.status).toBe(200);
    expect(form.url.pathname).toBe(`/dex/auth/${connectorId}/login`);
    const html = await form.response.text();
    expect(html).toContain('Username');
    const result = await browser.submitLogin({ url: form.url, html }, { login: username, password });
    return { ...result, client, verifier };
  }

  let lastAccessToken = '';

  async function idTokenClaims(flow: { client: TestClient; verifier: string; location: URL | null }) {
    expect(flow.location?.origin).toBe(RP_ORIGIN);
    const code = flow.location?.searchParams.get('code');
    expect(code, 'the relying party got a code').toBeTruthy();
    const response = await tokenRequest(stack, flow.client, {
      grant_type: 'authorization_code',
      code: code ?? '',
      code_verifier: flow.verifier,
      redirect_uri: flow.client.redirectUri,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id_token: string; access_token: string };
    lastAccessToken = body.access_token;
    return (await jwtVerify(body.id_token, createRemoteJWKSet(new URL(`${stack.issuer}/keys`)), { issuer: stack.issuer })).payload;
  }

  async function storedIdentity(userId: string, connectorId: string): Promise<Record<string, unknown>> {
    const session = await stack.db.prisma.authSession.findFirst({ where: { userId, connectorId }, orderBy: { createdAt: 'desc' } });
    return JSON.parse(session?.identity ?? '{}') as Record<string, unknown>;
  }

  async function expectRefused(flow: { response: Response; location: URL | null }, status = 401) {
    expect(flow.location, 'no redirect to the relying party').toBeNull();
    expect(flow.response.status).toBe(status);
    return flow.response.text();
  }

  it('bindTemplate mode: logs a new user in end to end, email verified, groups on the identity and in the ID token', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    const flow = await login('ldap', 'jane', 'jane-pass-1');
    expect(flow.location?.searchParams.get('state')).toBe('rp-state');
    const claims = await idTokenClaims(flow);
    expect(claims).toMatchObject({ email: 'jane@ldap.example', email_verified: true, name: 'Jane Doe', nonce: 'rp-nonce' });
    const user = await stack.db.prisma.user.findUnique({ where: { email: 'jane@ldap.example' } });
    expect(user?.id).toBe(claims.sub);
    const identity = await storedIdentity(String(claims.sub), 'ldap');
    expect(identity).toMatchObject({ id: `uid=jane,${PEOPLE}`, email: 'jane@ldap.example', name: 'Jane Doe', emailVerified: true });
    expect([...((identity.groups as string[]) ?? [])].sort()).toEqual([`cn=admins,${GROUPS}`, `cn=developers,${GROUPS}`]);
    // The groups scope was granted, so the ID token carries them (reference §7.8).
    expect([...((claims.groups as string[]) ?? [])].sort()).toEqual([`cn=admins,${GROUPS}`, `cn=developers,${GROUPS}`]);
    // And so does userinfo, with the profile claims the directory gave.
    const userinfo = await fetch(`${stack.issuer}/userinfo`, { headers: { authorization: `Bearer ${lastAccessToken}` } });
    const info = (await userinfo.json()) as Record<string, unknown>;
    expect(info).toMatchObject({ sub: claims.sub, name: 'Jane Doe', preferred_username: 'jane@ldap.example', email: 'jane@ldap.example' });
    expect([...((info.groups as string[]) ?? [])].sort()).toEqual([`cn=admins,${GROUPS}`, `cn=developers,${GROUPS}`]);

    // The second login maps to the same user.
    expect((await idTokenClaims(await login('ldap', 'jane', 'jane-pass-1'))).sub).toBe(claims.sub);
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'ldap:ldap:success': 2 });
  });

  it('bindTemplate mode: DN-escapes the username (RFC 4514) and accepts v0 docs’ %d for the base DN', async () => {
    const claims = await idTokenClaims(await login('ldap', 'ann+b', 'ann-pass-4'));
    expect(claims).toMatchObject({ email: 'ann@ldap.example', name: 'Ann Plus' });
    const viaD = await idTokenClaims(await login('ldap-d', 'john', 'john-pass-2'));
    expect(viaD).toMatchObject({ email: 'john@ldap.example', email_verified: true });
    // The same person through another connector: the v0 wrong-connector guidance, never a merge.
    const other = await expectRefused(await login('ldap', 'john', 'john-pass-2'), 403);
    expect(other).toContain('Wrong way to log in');
  });

  it('search-then-bind mode: finds the entry with the service account, binds as it, and reads the groups', async () => {
    const flow = await login('ldap-search', 'sam', 'sam-pass-6');
    const claims = await idTokenClaims(flow);
    expect(claims).toMatchObject({ email: 'sam@ldap.example', email_verified: true, name: 'Sam Search' });
    expect(await storedIdentity(String(claims.sub), 'ldap-search')).toMatchObject({
      id: `uid=sam,${PEOPLE}`,
      groups: [`cn=developers,${GROUPS}`],
    });
  });

  it('a wrong password or an unknown user gets the generic message, in both modes', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    for (const [connectorId, username, password] of [
      ['ldap', 'john', 'wrong'],
      ['ldap', 'nobody', 'whatever'],
      ['ldap-search', 'john', 'wrong'],
      ['ldap-search', 'nobody', 'whatever'],
    ] as const) {
      const page = await expectRefused(await login(connectorId, username, password));
      expect(page, `${connectorId} ${username}`).toContain('Invalid username or password.');
      expect(page).toContain(`value="${username}"`);
    }
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({
      'ldap:ldap:failure:invalid_credentials': 2,
      'ldap-search:ldap:failure:invalid_credentials': 2,
    });
  });

  it('failed logins are rate limited per username (the worker limit: 10), then even the right password waits', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    for (let i = 0; i < 10; i++) await expectRefused(await login('ldap-search', 'rita', `wrong-${i}`));
    const page = await expectRefused(await login('ldap-search', 'Rita', 'rita-pass-9'), 429);
    expect(page).toContain('Too many failed logins');
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({
      'ldap-search:ldap:failure:invalid_credentials': 10,
      'ldap-search:ldap:failure:rate_limited': 1,
    });
  });

  it('an entry without an email address is refused with a clear message', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    const page = await expectRefused(await login('ldap', 'nomail', 'nomail-pass-5'), 403);
    expect(page).toContain('no email address');
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({ 'ldap:ldap:failure:incomplete_identity': 1 });
  });

  it('an empty password is refused without asking the directory (no anonymous bind counts as a login)', async () => {
    const metrics = await readConnectorLogins(stack.issuer);
    for (const connectorId of ['ldap', 'ldap-search']) {
      const page = await expectRefused(await login(connectorId, 'jane', ''), 400);
      expect(page).toContain('Enter your password.');
    }
    expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({});
  });

  it('LDAP injection in the username logs nobody in', async () => {
    const attempts = ['*', 'jan*', '*)(uid=*', 'admin)(|(uid=*', 'jane)(uid=jane', 'jane\\2a', '\\2a', 'jane\0', 'jane,ou=people'];
    for (const connectorId of ['ldap', 'ldap-search']) {
      for (const username of attempts) {
        // jane's real password: a filter or DN that matched her entry would log in.
        const flow = await login(connectorId, username, 'jane-pass-1');
        expect(flow.location, `${connectorId} ${JSON.stringify(username)}`).toBeNull();
        expect([400, 401]).toContain(flow.response.status);
      }
    }
    expect(await stack.db.prisma.user.count({ where: { email: 'admin@ldap.example' } })).toBe(0);
  });

  it('StartTLS (useTLS) and LDAPS (useSSL) with caFile; an untrusted certificate is refused', async () => {
    expect(await idTokenClaims(await login('ldap-starttls', 'tina', 'tina-pass-7'))).toMatchObject({ email: 'tina@ldap.example' });
    expect(await idTokenClaims(await login('ldap-ldaps', 'lars', 'lars-pass-8'))).toMatchObject({ email: 'lars@ldap.example' });
    const { checks } = await readHealth(stack);
    expect(checks['connector:ldap-starttls']).toBe('ok');
    expect(checks['connector:ldap-ldaps']).toBe('ok');
    expect(checks['connector:ldap-untrusted']).toMatch(/certificate/i);
    const page = await expectRefused(await login('ldap-untrusted', 'lars', 'lars-pass-8'), 503);
    expect(page).toContain('cannot be reached');
  });

  it('a directory that never answers times out (timeout) into a 503 page and an unhealthy /health', async () => {
    const started = Date.now();
    const page = await expectRefused(await login('ldap-hang', 'jane', 'jane-pass-1'), 503);
    expect(page).toContain('cannot be reached');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await readHealth(stack)).checks['connector:ldap-hang']).toContain('timed out');
  });

  it('the server going away gives a 503 page and an unhealthy /health; it recovers when the server is back', async () => {
    expect((await readHealth(stack)).checks['connector:ldap-search']).toBe('ok');
    // The search connection is open now; the kill breaks it.
    await idTokenClaims(await login('ldap-search', 'sam', 'sam-pass-6'));
    await slapd.kill();
    const metrics = await readConnectorLogins(stack.issuer);
    try {
      for (const connectorId of ['ldap', 'ldap-search']) {
        const started = Date.now();
        const page = await expectRefused(await login(connectorId, 'jane', 'jane-pass-1'), 503);
        expect(page).toContain('cannot be reached');
        expect(Date.now() - started).toBeLessThan(15_000);
      }
      expect((await readConnectorLogins(stack.issuer)).since(metrics)).toEqual({
        'ldap:ldap:failure:unavailable': 1,
        'ldap-search:ldap:failure:unavailable': 1,
      });
      // A connector down leaves the worker serving everything else: degraded, not unhealthy.
      const { status, state, checks } = await readHealth(stack);
      expect(status).toBe(200);
      expect(state).toBe('degraded');
      expect(checks['connector:local']).toBe('ok');
      expect(checks['connector:ldap']).toContain('connection refused');
      expect(checks['connector:ldap-search']).toContain('connection refused');
    } finally {
      await slapd.start();
    }
    const after = await readHealth(stack);
    expect(after.checks['connector:ldap-search']).toBe('ok');
    expect(after.checks['connector:ldap']).toBe('ok');
    expect(await idTokenClaims(await login('ldap-search', 'sam', 'sam-pass-6'))).toMatchObject({ email: 'sam@ldap.example' });
    expect(await idTokenClaims(await login('ldap', 'admin', 'admin-pass-3'))).toMatchObject({ email: 'admin@ldap.example' });
  });
});
