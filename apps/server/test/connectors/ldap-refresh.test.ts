import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { TConnectorConfig } from '@dex/shared/domain/connectors';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { pkcePair, readHealth, tokenRequest, type TestClient, userinfoStatus } from '../support/flows.ts';
import { type Slapd, startSlapd } from '../support/slapd.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

const SUFFIX = 'dc=example,dc=com';
const PEOPLE = `ou=people,${SUFFIX}`;
const GROUPS = `ou=groups,${SUFFIX}`;
const SERVICE_DN = `cn=svc,${SUFFIX}`;
const SERVICE_PW = 'svc-secret-81d0';
const group = (cn: string) => `cn=${cn},${GROUPS}`;

const person = (uid: string) =>
  [
    `dn: uid=${uid},${PEOPLE}`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: ${uid}`,
    `sn: ${uid}`,
    `mail: ${uid}@ldap.example`,
    `userPassword: ${uid}-pass`,
    '',
  ].join('\n');
const groupOf = (cn: string, members: string[]) =>
  [`dn: ${group(cn)}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...members.map((uid) => `member: uid=${uid},${PEOPLE}`), ''].join('\n');

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
  ...['jane', 'sam', 'dora', 'otto', 'uma', 'vera'].map(person),
  groupOf('admins', ['jane', 'sam', 'otto']),
  groupOf('developers', ['jane', 'sam', 'dora', 'otto', 'uma', 'vera']),
  groupOf('ops', ['dora']),
].join('\n');

interface Tokens {
  id_token: string;
  access_token: string;
  refresh_token: string;
}

describe.each(testProviders(process.env))('groups on refresh: the LDAP connector reads the directory again (%s)', (provider) => {
  let slapd: Slapd;
  let stack: WorkerStack;

  const connectors = (): TConnectorConfig[] =>
    [
      { type: 'local', id: 'local' },
      // bindTemplate mode: the refresh reads the login's DN (anonymously: no service account).
      { type: 'ldap', id: 'ldap', host: slapd.host, timeout: 2_000, baseDN: PEOPLE, searchGroupFilter: '(member=%u)', groupBaseDN: GROUPS },
      // search mode: the refresh runs the login's search again, so the filter can exclude disabled accounts.
      {
        type: 'ldap',
        id: 'ldap-search',
        host: slapd.host,
        timeout: 2_000,
        baseDN: PEOPLE,
        searchBeforeAuth: true,
        searchFilter: '(&(objectClass=inetOrgPerson)(uid=%u)(!(employeeType=disabled)))',
        searchBindDN: SERVICE_DN,
        searchBindPw: SERVICE_PW,
        searchGroupFilter: '(&(objectClass=groupOfNames)(member=%u))',
        groupBaseDN: GROUPS,
      },
    ] as TConnectorConfig[];

  beforeAll(async () => {
    slapd = await startSlapd({ suffix: SUFFIX });
    await slapd.add(FIXTURE);
    stack = await startWorkerStack(provider, { enableAutomaticRegistration: true });
    await stack.setConnectors(connectors());
    const deadline = Date.now() + 30_000;
    while ((await readHealth(stack)).checks['connector:ldap-search'] === undefined) {
      if (Date.now() > deadline) throw new Error('the ldap connectors did not load');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    await stack?.stop();
    await slapd?.stop();
  });

  /**
   * Logs `uid` in through the connector's form (or, in a `browser` with a single sign-on
   * session, without it) with `scope` (default `groups offline_access`), and redeems the code.
   */
  async function login(
    connectorId: string,
    uid: string,
    options: { browser?: TestBrowser; scope?: string } = {},
  ): Promise<{ client: TestClient; tokens: Tokens; viaForm: boolean }> {
    const client = await stack.addClient();
    const { verifier, challenge } = pkcePair();
    const browser = options.browser ?? new TestBrowser(stack.issuer);
    const auth = new URL(`${stack.issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: client.id,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: options.scope ?? 'openid email groups offline_access',
      state: 'rp-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      connector_id: connectorId,
    }).toString();
    const form = await browser.follow(auth);
    const flow =
      form.location === null
        ? await browser.submitLogin({ url: form.url, html: await form.response.text() }, { login: uid, password: `${uid}-pass` })
        : form;
    const code = flow.location?.searchParams.get('code') ?? '';
    expect(code, 'the relying party got a code').not.toBe('');
    const response = await tokenRequest(stack, client, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: client.redirectUri,
    });
    expect(response.status).toBe(200);
    return { client, tokens: (await response.json()) as Tokens, viaForm: form.location === null };
  }

  const refresh = (client: TestClient, refreshToken: string) =>
    tokenRequest(stack, client, { grant_type: 'refresh_token', refresh_token: refreshToken });

  async function groupsOf(idToken: string): Promise<string[]> {
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${stack.issuer}/keys`)), { issuer: stack.issuer });
    return [...((payload.groups as string[] | undefined) ?? [])].sort();
  }

  async function userinfoGroups(accessToken: string): Promise<string[]> {
    const response = await fetch(`${stack.issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);
    return [...(((await response.json()) as { groups?: string[] }).groups ?? [])].sort();
  }

  async function expectInvalidGrant(response: Response): Promise<void> {
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  }

  it('a refresh after an ldapmodify gives an ID token (and userinfo) with the new groups', async () => {
    const { client, tokens } = await login('ldap', 'jane');
    expect(await groupsOf(tokens.id_token)).toEqual([group('admins'), group('developers')]);
    await slapd.modify(
      [
        `dn: ${group('admins')}`,
        'changetype: modify',
        'delete: member',
        `member: uid=jane,${PEOPLE}`,
        '',
        `dn: ${group('ops')}`,
        'changetype: modify',
        'add: member',
        `member: uid=jane,${PEOPLE}`,
        '',
      ].join('\n'),
    );
    const response = await refresh(client, tokens.refresh_token);
    expect(response.status).toBe(200);
    const refreshed = (await response.json()) as Tokens;
    expect(await groupsOf(refreshed.id_token)).toEqual([group('developers'), group('ops')]);
    expect(await userinfoGroups(refreshed.access_token)).toEqual([group('developers'), group('ops')]);
    // The refresh data is sealed: neither the username nor the DN is readable in the database.
    const stored = await stack.db.prisma.offlineSession.findFirst({ where: { connectorId: 'ldap' } });
    expect(stored?.connectorData).toBeTruthy();
    expect(stored?.connectorData).not.toContain('jane');
  });

  it('search mode: the groups are searched again with the service account', async () => {
    const { client, tokens } = await login('ldap-search', 'sam');
    expect(await groupsOf(tokens.id_token)).toEqual([group('admins'), group('developers')]);
    await slapd.modify([`dn: ${group('developers')}`, 'changetype: modify', 'delete: member', `member: uid=sam,${PEOPLE}`, ''].join('\n'));
    const response = await refresh(client, tokens.refresh_token);
    expect(response.status).toBe(200);
    expect(await groupsOf(((await response.json()) as Tokens).id_token)).toEqual([group('admins')]);
  });

  it('a user deleted from the directory loses the refresh: invalid_grant, and the family and its access token are revoked', async () => {
    const { client, tokens } = await login('ldap', 'dora');
    const first = await refresh(client, tokens.refresh_token);
    expect(first.status).toBe(200);
    const current = (await first.json()) as Tokens;
    await slapd.remove(`uid=dora,${PEOPLE}`);
    await expectInvalidGrant(await refresh(client, current.refresh_token));
    // Revoked, not just refused once: the same token stays refused, and so does the access token it came with.
    await expectInvalidGrant(await refresh(client, current.refresh_token));
    expect(await userinfoStatus(stack, current.access_token)).toBe(401);
    const user = await stack.db.prisma.user.findUnique({ where: { email: 'dora@ldap.example' } });
    const live = await stack.db.prisma.refreshToken.count({ where: { userId: user?.id ?? '', revokedAt: null } });
    expect(live).toBe(0);
  });

  it('search mode: a user the filter now excludes (disabled upstream) loses the refresh', async () => {
    const { client, tokens } = await login('ldap-search', 'otto');
    await slapd.modify([`dn: uid=otto,${PEOPLE}`, 'changetype: modify', 'add: employeeType', 'employeeType: disabled', ''].join('\n'));
    await expectInvalidGrant(await refresh(client, tokens.refresh_token));
  });

  it('a login answered from the single sign-on session, with offline_access, refreshes from the last fresh login', async () => {
    const browser = new TestBrowser(stack.issuer);
    // A fresh login that did not ask for offline_access, then one from its SSO session that does.
    await login('ldap', 'vera', { browser, scope: 'openid email groups' });
    const { client, tokens, viaForm } = await login('ldap', 'vera', { browser });
    expect(viaForm, 'the second login did not ask for the password').toBe(false);
    await slapd.modify([`dn: ${group('ops')}`, 'changetype: modify', 'add: member', `member: uid=vera,${PEOPLE}`, ''].join('\n'));
    const response = await refresh(client, tokens.refresh_token);
    expect(response.status).toBe(200);
    const refreshed = (await response.json()) as Tokens;
    expect(await groupsOf(refreshed.id_token)).toEqual([group('developers'), group('ops')]);
    await slapd.remove(`uid=vera,${PEOPLE}`);
    await expectInvalidGrant(await refresh(client, refreshed.refresh_token));
  });

  it('a directory that is down answers 503 temporarily_unavailable and leaves the token usable once it is back', async () => {
    const { client, tokens } = await login('ldap', 'uma');
    await slapd.kill();
    try {
      const down = await refresh(client, tokens.refresh_token);
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after'), 'the client is told when to try again').toMatch(/^\d+$/);
      expect(((await down.json()) as { error: string }).error).toBe('temporarily_unavailable');
    } finally {
      await slapd.start();
    }
    const back = await refresh(client, tokens.refresh_token);
    expect(back.status).toBe(200);
    expect(await groupsOf(((await back.json()) as Tokens).id_token)).toEqual([group('developers')]);
  });
});
