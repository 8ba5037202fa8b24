import { type TConnector, type TConnectorList, ZConnector, ZConnectorList, ZConnectorValidation } from '@dex/shared/admin-api';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MASK = '********';

/** Secret values written in this file: no response and no audit row may ever contain one. */
const SECRETS = {
  github: 'gh-secret-1f7c0d',
  ldap: 'ldap-bind-pw-9a2e4b',
  oidc: 'oidc-secret-5b8d1a',
  uaa: 'uaa-secret-3c6f2e',
  rotated: 'gh-secret-rotated-77aa10',
  bitbucket: 'bb-secret-0e9d3c',
} as const;

const LOCAL = { type: 'local', id: 'local' };
const GITHUB = { type: 'github', id: 'github', clientID: 'gh-client', clientSecret: SECRETS.github };
const LDAP = {
  type: 'ldap',
  id: 'ldap',
  host: 'ldap.example:389',
  baseDN: 'dc=example,dc=org',
  searchBeforeAuth: true,
  searchBindDN: 'cn=svc,dc=example,dc=org',
  searchBindPw: SECRETS.ldap,
};
const OIDC = {
  type: 'oidc',
  id: 'google',
  issuerURL: 'https://accounts.google.com',
  clientID: 'g-client',
  clientSecret: SECRETS.oidc,
  trustedEmailProvider: true,
  emailClaim: 'email',
};

describe.each(testProviders(process.env))('admin API connectors (%s)', (provider) => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness(provider);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const prisma = () => harness.overlord.db.prisma;
  /** Calls the API and checks that the raw answer never carries a secret. */
  const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; text: string }> => {
    const init = body === undefined ? { method } : { method, body: typeof body === 'string' ? body : JSON.stringify(body) };
    const response = await harness.call(path, init);
    const text = await response.text();
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), text };
  };
  const list = async (): Promise<TConnectorList> => {
    const { status, body } = await send('GET', '/api/v1/connectors');
    expect(status).toBe(200);
    return ZConnectorList.parse(body);
  };
  const order = async () => (await list()).items.map((connector) => [connector.id, connector.position]);
  const stored = async (id: string) => {
    const row = await prisma().connectorConfig.findUnique({ where: { id } });
    return row === null ? null : (JSON.parse(row.config) as Record<string, unknown>);
  };
  const expectBadRequest = (result: { status: number; body: unknown }, message: string) => {
    expect({ status: result.status, body: result.body }).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message } });
  };

  it('GET /api/v1/connectors answers v0 {"connectors": []} (plus items) on a fresh database', async () => {
    expect(await list()).toEqual({ connectors: [], items: [] });
  });

  it('PUT /api/v1/connectors replaces all (200, empty body); GET shows them in order with secrets masked', async () => {
    const put = await send('PUT', '/api/v1/connectors', { connectors: [LOCAL, GITHUB, LDAP, OIDC] });
    expect(put).toEqual({ status: 200, body: undefined, text: '' });

    const { connectors, items } = await list();
    expect(connectors).toEqual([
      LOCAL,
      { ...GITHUB, clientSecret: MASK },
      { ...LDAP, searchBindPw: MASK },
      { ...OIDC, clientSecret: MASK },
    ]);
    expect(items.map((item) => [item.id, item.type, item.position])).toEqual([
      ['local', 'local', 0],
      ['github', 'github', 1],
      ['ldap', 'ldap', 2],
      ['google', 'oidc', 3],
    ]);
    expect(items[1]).toEqual({
      id: 'github',
      type: 'github',
      position: 1,
      config: { ...GITHUB, clientSecret: MASK },
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
    expect(await stored('github')).toEqual({ clientID: 'gh-client', clientSecret: SECRETS.github });
  });

  it('round-trips: a list read back can be written back unchanged, keeping the stored secrets', async () => {
    const { connectors } = await list();
    const put = await send('PUT', '/api/v1/connectors', { connectors: [...connectors].reverse() });
    expect(put.status).toBe(200);
    expect((await list()).connectors.map((config) => config.id)).toEqual(['google', 'ldap', 'github', 'local']);
    expect(await stored('github')).toMatchObject({ clientSecret: SECRETS.github });
    expect(await stored('ldap')).toMatchObject({ searchBindPw: SECRETS.ldap });
    expect(await stored('google')).toMatchObject({ clientSecret: SECRETS.oidc });
    // Back to the original order for the tests below.
    expect((await send('PUT', '/api/v1/connectors', { connectors })).status).toBe(200);
    expect((await list()).connectors).toEqual(connectors);
  });

  it('PUT answers 400 naming the entry and field, and changes nothing', async () => {
    const before = await list();
    const cases: [unknown, string][] = [
      [{}, 'connectors is required'],
      [{ connectors: { local: LOCAL } }, 'connectors must be an array of connector configs'],
      [{ connectors: [LOCAL, { type: 'github', id: 'gh2', clientID: 'x' }] }, 'connectors.1.clientSecret is required'],
      [{ connectors: [{ type: 'saml', id: 'saml' }] }, 'connectors.0.type must be one of local, oidc, ldap, github, bitbucket, uaa'],
      [{ connectors: [{ id: 'untyped' }] }, 'connectors.0.type is required'],
      [{ connectors: ['local'] }, 'connectors.0 must be a JSON object'],
      [{ connectors: [LOCAL, LOCAL] }, 'connectors.1.id must be unique ("local" is also the id of entry 0)'],
      [{ connectors: [{ ...LDAP, useTLS: 1 }] }, 'connectors.0.useTLS must be a boolean'],
      [{ connectors: [{ ...OIDC, issuerURL: 'ftp://x' }] }, 'connectors.0.issuerURL must be an http(s) URL'],
      [{ connectors: [{ ...GITHUB, clientID: '' }] }, 'connectors.0.clientID must not be empty'],
      [
        { connectors: [{ ...GITHUB, id: 'new-gh', clientSecret: MASK }] },
        'connectors.0.clientSecret is "********" (keep the stored secret) but connector "new-gh" has no stored value for it',
      ],
      [
        // Same id, other type: the github secret is not the oidc connector's to keep.
        { connectors: [{ ...OIDC, id: 'github', clientSecret: MASK }] },
        'connectors.0.clientSecret is "********" (keep the stored secret) but connector "github" has no stored value for it',
      ],
      [[LOCAL], 'the request body must be a JSON object'],
    ];
    for (const [body, message] of cases) expectBadRequest(await send('PUT', '/api/v1/connectors', body), message);
    expectBadRequest(await send('PUT', '/api/v1/connectors', '{"connectors": ['), 'malformed JSON body');
    expect(await list()).toEqual(before);
  });

  it('GET /api/v1/connectors/:id answers TConnector with secrets masked, or 404', async () => {
    const { status, body } = await send('GET', '/api/v1/connectors/ldap');
    expect(status).toBe(200);
    expect(ZConnector.parse(body)).toMatchObject({ id: 'ldap', type: 'ldap', position: 2, config: { ...LDAP, searchBindPw: MASK } });
    expect(await send('GET', '/api/v1/connectors/nothing')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'connector not found' },
    });
  });

  it('POST /api/v1/connectors adds one (201, Location), at the end or at a position', async () => {
    const uaa = { type: 'uaa', id: 'uaa', clientID: 'u', clientSecret: SECRETS.uaa, serverURL: 'https://uaa.example' };
    const response = await harness.call('/api/v1/connectors', { method: 'POST', body: JSON.stringify(uaa) });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/v1/connectors/uaa');
    const text = await response.text();
    expect(text).not.toContain(SECRETS.uaa);
    expect(ZConnector.parse(JSON.parse(text))).toMatchObject({
      id: 'uaa',
      type: 'uaa',
      position: 4,
      config: { ...uaa, clientSecret: MASK },
    });
    expect(await stored('uaa')).toEqual({ clientID: 'u', clientSecret: SECRETS.uaa, serverURL: 'https://uaa.example' });

    const bitbucket = { type: 'bitbucket', id: 'bitbucket', clientID: 'b', clientSecret: SECRETS.bitbucket };
    const first = await send('POST', '/api/v1/connectors', { ...bitbucket, position: 1 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ position: 1, config: { ...bitbucket, clientSecret: MASK } });
    expect(first.body).not.toHaveProperty('config.position');
    expect(await order()).toEqual([
      ['local', 0],
      ['bitbucket', 1],
      ['github', 2],
      ['ldap', 3],
      ['google', 4],
      ['uaa', 5],
    ]);
  });

  it('POST answers 409 for an id in use and 400 naming the problem', async () => {
    expect(await send('POST', '/api/v1/connectors', LOCAL)).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', message: 'connector "local" already exists' },
    });
    const cases: [unknown, string][] = [
      [{ type: 'github', id: 'gh3', clientID: 'x' }, 'clientSecret is required'],
      [
        { type: 'github', id: 'gh3', clientID: 'x', clientSecret: MASK },
        'clientSecret is "********" (keep the stored secret) but connector "gh3" has no stored value for it',
      ],
      [{ type: 'nope', id: 'x' }, 'type must be one of local, oidc, ldap, github, bitbucket, uaa'],
      [{ type: 'local', id: '-bad' }, 'id must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit'],
      [{ type: 'local', id: 'ok', position: -1 }, 'position must be a non-negative integer'],
      [{ type: 'local', id: 'ok', position: 1.5 }, 'position must be a non-negative integer'],
      [[LOCAL], 'the request body must be a JSON object'],
    ];
    for (const [body, message] of cases) expectBadRequest(await send('POST', '/api/v1/connectors', body), message);
  });

  it('PATCH merges fields, keeps masked secrets, removes null fields, moves, and validates the result', async () => {
    const keep = await send('PATCH', '/api/v1/connectors/google', { clientID: 'g-client-2', clientSecret: MASK, emailClaim: null });
    expect(keep.status).toBe(200);
    const google = ZConnector.parse(keep.body);
    expect(google.config).toEqual({ ...OIDC, clientID: 'g-client-2', clientSecret: MASK, emailClaim: undefined });
    expect(google.config).not.toHaveProperty('emailClaim');
    expect(await stored('google')).toEqual({
      issuerURL: 'https://accounts.google.com',
      clientID: 'g-client-2',
      clientSecret: SECRETS.oidc,
      trustedEmailProvider: true,
    });

    const rotated = await send('PATCH', '/api/v1/connectors/github', {
      clientSecret: SECRETS.rotated,
      position: 0,
      type: 'github',
      id: 'github',
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ position: 0, config: { clientSecret: MASK } });
    expect(await stored('github')).toMatchObject({ clientSecret: SECRETS.rotated });
    expect(await order()).toEqual([
      ['github', 0],
      ['local', 1],
      ['bitbucket', 2],
      ['ldap', 3],
      ['google', 4],
      ['uaa', 5],
    ]);
    const last = await send('PATCH', '/api/v1/connectors/local', { position: 99 });
    expect(last.body).toMatchObject({ id: 'local', position: 5 });

    const cases: [unknown, string][] = [
      [{ type: 'github' }, 'type cannot change'],
      [{ id: 'renamed' }, 'id cannot change'],
      [{ issuerURL: 'not a url' }, 'issuerURL must be an http(s) URL'],
      [{ clientSecret: null }, 'clientSecret is required'],
      [{ trustedEmailProvider: 'yes' }, 'trustedEmailProvider must be a boolean'],
      [{ position: 'first' }, 'position must be a non-negative integer'],
      [{}, 'nothing to update: send config fields to change or a position'],
      [[], 'the request body must be a JSON object'],
    ];
    for (const [body, message] of cases) expectBadRequest(await send('PATCH', '/api/v1/connectors/google', body), message);
    expect(await send('PATCH', '/api/v1/connectors/nothing', { position: 0 })).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'connector not found' },
    });
  });

  it('DELETE removes one (204) and closes the gap in the order', async () => {
    const response = await send('DELETE', '/api/v1/connectors/bitbucket');
    expect(response).toEqual({ status: 204, body: undefined, text: '' });
    expect(await order()).toEqual([
      ['github', 0],
      ['ldap', 1],
      ['google', 2],
      ['uaa', 3],
      ['local', 4],
    ]);
    expect(await send('DELETE', '/api/v1/connectors/bitbucket')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: 'connector not found' },
    });
  });

  it('POST /api/v1/connectors/validate checks one config or a list and saves nothing', async () => {
    const before = await list();
    const validate = async (body: unknown) => {
      const result = await send('POST', '/api/v1/connectors/validate', body);
      expect(result.status).toBe(200);
      return ZConnectorValidation.parse(result.body);
    };
    expect(await validate({ type: 'github', id: 'new', clientID: 'x', clientSecret: 'y' })).toEqual({ valid: true });
    expect(await validate({ type: 'github', id: 'new', trustedEmailProvider: 'no' })).toEqual({
      valid: false,
      errors: [
        { path: 'clientID', message: 'is required' },
        { path: 'clientSecret', message: 'is required' },
      ],
    });
    // A list read back validates as is: masked secrets resolve against the stored configs.
    expect(await validate(before.connectors)).toEqual({ valid: true });
    expect(await validate({ ...GITHUB, clientSecret: MASK })).toEqual({ valid: true });
    expect(await validate([LOCAL, { type: 'uaa', id: 'local', clientID: 'x', clientSecret: MASK, serverURL: 'nope' }])).toEqual({
      valid: false,
      errors: [
        { path: '1.clientSecret', message: 'is "********" (keep the stored secret) but connector "local" has no stored value for it' },
        { path: '1.serverURL', message: 'must be an http(s) URL' },
        { path: '1.id', message: 'must be unique ("local" is also the id of entry 0)' },
      ],
    });
    expect(await validate(['nope'])).toEqual({ valid: false, errors: [{ path: '0', message: 'must be a JSON object' }] });
    expect(await list()).toEqual(before);
  });

  it('records an audit event for every change, with secrets masked', async () => {
    const events = await prisma().auditEvent.findMany({ where: { targetType: 'connector' } });
    const actions = events.map((event) => event.action);
    for (const action of ['connector.replace_all', 'connector.create', 'connector.update', 'connector.delete']) {
      expect(actions).toContain(action);
    }
    expect(actions.filter((action) => action === 'connector.replace_all')).toHaveLength(3);
    expect(events.every((event) => event.actor === 'admin-api')).toBe(true);
    for (const event of events) {
      for (const secret of Object.values(SECRETS)) expect(`${event.before}${event.after}`).not.toContain(secret);
    }
    const deletion = events.find((event) => event.action === 'connector.delete');
    expect(deletion).toMatchObject({ targetId: 'bitbucket', after: null });
    const deleted = JSON.parse(deletion?.before ?? 'null') as TConnector;
    expect(deleted.config).toMatchObject({ clientSecret: MASK });
    const replaced = events.find((event) => event.action === 'connector.replace_all');
    expect(replaced).toMatchObject({ targetId: '*' });
    expect(JSON.parse(replaced?.after ?? '[]')).toContainEqual({ ...GITHUB, clientSecret: MASK });
  });
});
