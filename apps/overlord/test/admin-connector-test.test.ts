import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { type TConnectorTestResult, ZConnectorTestResult } from '@dex/shared/admin-api';
import { createLogger } from '@dex/shared/logging';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Slapd, startSlapd } from '../../server/test/support/slapd.ts';
import { startUpstreamProvider, type UpstreamProvider } from '../../server/test/support/upstream-provider.ts';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const TEST_PATH = '/api/v1/connectors/test';
/** The bound of each step in this file: an unreachable host must be reported within it. */
const STEP_TIMEOUT_MS = 1_000;
const SUFFIX = 'dc=example,dc=org';
const SERVICE_DN = `cn=svc,${SUFFIX}`;
const SERVICE_PW = 'svc-bind-pw-4c1e9a';
const OIDC_SECRET = 'oidc-test-secret-82b0f7';
const WRONG_PW = 'wrong-bind-pw-e61d03';
const SECRETS = [SERVICE_PW, OIDC_SECRET, WRONG_PW];

const FIXTURE = `dn: ${SUFFIX}
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,${SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ${SERVICE_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: svc
userPassword: ${SERVICE_PW}

dn: uid=ada,ou=people,${SUFFIX}
objectClass: inetOrgPerson
uid: ada
cn: Ada
sn: Lovelace
mail: ada@example.org
`;

/** A TCP server that accepts connections and never answers: the worst kind of unreachable. */
async function startSilentServer(): Promise<{ host: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    host: `127.0.0.1:${address.port}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (taken and released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe.each(testProviders(process.env))('POST /api/v1/connectors/test (%s)', (provider) => {
  let harness: AdminHarness;
  let slapd: Slapd;
  let upstream: UpstreamProvider;
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (chunk: Buffer) => {
    logText += chunk.toString('utf8');
  });

  beforeAll(async () => {
    [slapd, upstream, silent] = await Promise.all([
      startSlapd({ suffix: SUFFIX, tls: true }),
      startUpstreamProvider({ clients: [], accounts: {} }),
      startSilentServer(),
    ]);
    await slapd.add(FIXTURE);
    harness = await startAdminHarness(provider, {
      connectorTestTimeoutMs: STEP_TIMEOUT_MS,
      logger: createLogger({ name: 'dex-overlord', debug: true, destination: logs }),
    });
  });
  afterAll(async () => {
    await Promise.all([harness?.stop(), slapd?.stop(), upstream?.stop(), silent?.stop()]);
    // Nothing this file sent as a secret was logged, whatever the outcome of each test.
    for (const secret of SECRETS) expect(logText).not.toContain(secret);
  });

  /** Calls the route; the raw answer never carries a secret. */
  const send = async (body: unknown): Promise<{ status: number; body: unknown; ms: number }> => {
    const started = performance.now();
    const response = await harness.call(TEST_PATH, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    return { status: response.status, body: JSON.parse(text) as unknown, ms: performance.now() - started };
  };
  const test = async (body: unknown): Promise<TConnectorTestResult & { ms: number }> => {
    const answer = await send(body);
    expect(answer.status).toBe(200);
    return { ...ZConnectorTestResult.parse(answer.body), ms: answer.ms };
  };
  const summary = (result: TConnectorTestResult) => result.steps.map((step) => [step.name, step.ok]);
  const oidc = (issuerURL: string) => ({ type: 'oidc', id: 'upstream', issuerURL, clientID: 'dex', clientSecret: OIDC_SECRET });
  const ldap = (extra: Record<string, unknown> = {}) => ({
    type: 'ldap',
    id: 'corp',
    host: slapd.host,
    useTLS: true,
    caFile: slapd.caFile,
    baseDN: `ou=people,${SUFFIX}`,
    searchBindDN: SERVICE_DN,
    searchBindPw: SERVICE_PW,
    ...extra,
  });

  it('answers 400 {code, message} for bodies that are not a valid connector config, naming the field in words', async () => {
    const cases: [unknown, string][] = [
      ['[1]', 'the request body must be a JSON object'],
      [{ type: 'kerberos', id: 'k' }, 'type must be one of local, oidc, ldap, github, bitbucket, uaa'],
      [{ type: 'ldap', id: 'corp' }, 'host is required ("host:port")'],
      [{ type: 'oidc', id: 'up', issuerURL: 'ftp://x', clientID: 'a', clientSecret: 'b' }, 'issuerURL must be an http(s) URL'],
      [{ ...ldap(), id: 'never-saved', searchBindPw: '********' }, expect.stringContaining('searchBindPw') as unknown as string],
    ];
    for (const [body, message] of cases) {
      const answer = await send(body);
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message } });
    }
  });

  it('OIDC: fetches the real upstream’s discovery document, checks its issuer and fetches its JWKS', async () => {
    const result = await test(oidc(upstream.issuer));
    expect(summary(result)).toEqual([
      ['Fetch the discovery document', true],
      ['Check the issuer', true],
      ['Fetch the signing keys (JWKS)', true],
    ]);
    expect(result.ok).toBe(true);
    expect(result.steps[1]?.message).toBe(`the issuer is ${upstream.issuer}`);
    expect(result.steps[2]?.message).toMatch(/lists \d+ keys?$/);
  });

  it('OIDC: an issuer URL that differs from what the provider calls itself fails the issuer step, saying both', async () => {
    const result = await test(oidc(`${upstream.issuer}/`));
    expect(result.ok).toBe(false);
    expect(summary(result)).toEqual([
      ['Fetch the discovery document', true],
      ['Check the issuer', false],
    ]);
    expect(result.steps[1]?.message).toBe(`the provider calls itself "${upstream.issuer}", not "${upstream.issuer}/"`);
  });

  it('OIDC: a refused connection and a host that never answers fail the first step within the timeout', async () => {
    const refused = await test(oidc(`http://127.0.0.1:${await closedPort()}`));
    expect(summary(refused)).toEqual([['Fetch the discovery document', false]]);
    expect(refused.steps[0]?.message).toMatch(/: connection refused$/);

    const hanging = await test(oidc(`http://${silent.host}`));
    expect(summary(hanging)).toEqual([['Fetch the discovery document', false]]);
    expect(hanging.steps[0]?.message).toBe(
      `http://${silent.host}/.well-known/openid-configuration: no answer within ${STEP_TIMEOUT_MS} ms`,
    );
    expect(hanging.ms).toBeLessThan(STEP_TIMEOUT_MS + 2_000);
  });

  it('LDAP: StartTLS with the CA, the service bind and a search under the base DN against a real slapd', async () => {
    const result = await test(ldap());
    expect(summary(result)).toEqual([
      ['Read the TLS files', true],
      ['Connect (StartTLS)', true],
      ['Bind as the service account', true],
      ['Search under the base DN', true],
    ]);
    expect(result.steps[2]?.message).toBe(`bound as ${SERVICE_DN}`);
    expect(result.steps[3]?.message).toBe(`found 1 entry under ou=people,${SUFFIX}`);
    for (const step of result.steps) expect(step.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('LDAP: a wrong service password fails the bind step without echoing the password', async () => {
    const result = await test(ldap({ searchBindPw: WRONG_PW }));
    expect(result.ok).toBe(false);
    expect(result.steps.at(-1)).toMatchObject({
      name: 'Bind as the service account',
      ok: false,
      message: `${slapd.host}: invalid credentials`,
    });
  });

  it('LDAP: LDAPS without the CA fails the connect step on the certificate', async () => {
    const result = await test(ldap({ host: slapd.ldapsHost, useTLS: undefined, useSSL: true, caFile: undefined }));
    expect(summary(result)).toEqual([
      ['Read the TLS files', true],
      ['Connect (LDAPS)', false],
    ]);
    expect(result.steps[1]?.message).toMatch(/certificate/);
  });

  it('LDAP: a refused port and a server that never answers fail the connect step within the timeout', async () => {
    const refusedHost = `127.0.0.1:${await closedPort()}`;
    const refused = await test(ldap({ host: refusedHost, useTLS: undefined, caFile: undefined }));
    expect(refused.steps.at(-1)).toMatchObject({ name: 'Connect', ok: false, message: `${refusedHost}: connection refused` });

    const hanging = await test(ldap({ host: silent.host, useTLS: undefined, caFile: undefined }));
    expect(hanging.steps.at(-1)).toMatchObject({ name: 'Connect', ok: false });
    expect(hanging.ms).toBeLessThan(STEP_TIMEOUT_MS * 3 + 2_000);
  });

  it('a saved connector is tested from its form as read back: the masked password is the stored one', async () => {
    const created = await harness.call('/api/v1/connectors', { method: 'POST', body: JSON.stringify(ldap({ id: 'saved-ldap' })) });
    expect(created.status).toBe(201);
    const read = (await (await harness.call('/api/v1/connectors/saved-ldap')).json()) as { config: Record<string, unknown> };
    expect(read.config.searchBindPw).toBe('********');
    const result = await test(read.config);
    expect(result.ok).toBe(true);
    expect(result.steps.at(-2)?.name).toBe('Bind as the service account');
  });

  it('the local connector has nothing to reach; a type the worker does not serve says so', async () => {
    expect(summary(await test({ type: 'local', id: 'local' }))).toEqual([['Nothing to connect to', true]]);
    const github = await test({ type: 'github', id: 'gh', clientID: 'a', clientSecret: 'b' });
    expect(github.ok).toBe(false);
    expect(github.steps[0]?.message).toBe('the worker does not serve github connectors yet');
  });
});

describe.each(testProviders(process.env))('one local connector (%s)', (provider) => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness(provider);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('refuses a second local connector: POST answers 409, PUT 400, each saying which one exists', async () => {
    const post = (body: unknown) => harness.json('/api/v1/connectors', { method: 'POST', body: JSON.stringify(body) });
    expect((await post({ type: 'local', id: 'local' })).status).toBe(201);
    expect(await post({ type: 'local', id: 'email' })).toEqual({
      status: 409,
      body: { code: 'CONFLICT', message: 'there is already a local connector ("local"); there can be only one' },
    });
    const put = await harness.json('/api/v1/connectors', {
      method: 'PUT',
      body: JSON.stringify({
        connectors: [
          { type: 'local', id: 'local' },
          { type: 'local', id: 'email' },
        ],
      }),
    });
    expect(put).toEqual({
      status: 400,
      body: {
        code: 'BAD_REQUEST',
        message: 'connectors.1.type must not be local: "local" is already the local connector (there can be one)',
      },
    });
  });
});
