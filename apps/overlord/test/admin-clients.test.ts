import { randomBytes } from 'node:crypto';
import {
  type TClientList,
  type TCreatedClient,
  ZClient,
  ZClientList,
  ZCreatedClient,
  ZV0CreateClientResponse,
} from '@dex/shared/admin-api';
import { issueRefreshToken } from '@dex/shared/domain/auth';
import { authenticateClient } from '@dex/shared/domain/clients';
import { createUser } from '@dex/shared/domain/users';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LIMIT_MESSAGE = 'limit must be an integer from 1 to 100';

/** A lower-case tag unique to one test, so tests sharing the database see only their own clients. */
const tag = () => `t${randomBytes(4).toString('hex')}`;

describe.each(testProviders(process.env))('admin API clients (%s)', (provider) => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness(provider);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const prisma = () => harness.overlord.db.prisma;
  const send = (method: string, path: string, body?: unknown) =>
    harness.json(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const createClient = async (body: Record<string, unknown>): Promise<TCreatedClient> => {
    const { status, body: created } = await send('POST', '/api/v1/clients', body);
    expect(status).toBe(201);
    return ZCreatedClient.parse(created);
  };
  const auditOf = async (targetId: string) =>
    (await prisma().auditEvent.findMany({ where: { targetType: 'client', targetId } })).map((event) => ({
      actor: event.actor,
      action: event.action,
      before: event.before === null ? null : (JSON.parse(event.before) as unknown),
      after: event.after === null ? null : (JSON.parse(event.after) as unknown),
      raw: `${event.before ?? ''}${event.after ?? ''}`,
    }));
  const expectBadRequest = (result: { status: number; body: unknown }, message: string) => {
    expect({ status: result.status, body: result.body }).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message } });
  };

  describe('POST /api/v1/clients', () => {
    it('creates a client, answers 201 with Location and shows the secret only there', async () => {
      const id = `${tag()}-app`;
      const response = await harness.call('/api/v1/clients', {
        method: 'POST',
        body: JSON.stringify({
          id,
          name: 'Example App',
          redirectUris: ['https://app.example/callback', 'http://localhost:5555/cb'],
          logoUri: 'https://app.example/logo.png',
          clientUri: 'https://app.example/',
          trustedPeers: ['peer-b', 'peer-a', 'peer-a'],
        }),
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/api/v1/clients/${id}`);
      const { client, secret } = ZCreatedClient.parse(await response.json());
      expect(client).toEqual({
        id,
        name: 'Example App',
        logoUri: 'https://app.example/logo.png',
        clientUri: 'https://app.example/',
        redirectUris: ['https://app.example/callback', 'http://localhost:5555/cb'],
        trustedPeers: ['peer-a', 'peer-b'],
        admin: false,
        public: false,
        trusted: false,
        registered: false,
        accessTokenFormat: 'opaque',
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
      });
      expect(await authenticateClient(prisma(), { id, secret: secret ?? '' })).toMatchObject({ id });

      const read = await harness.call(`/api/v1/clients/${id}`);
      const text = await read.text();
      expect(read.status).toBe(200);
      expect(JSON.parse(text)).toEqual(client);
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/secret/i);

      const [event, ...others] = await auditOf(id);
      expect(others).toEqual([]);
      expect(event).toMatchObject({ actor: 'admin-api', action: 'client.create', before: null, after: client });
      expect(event?.raw).not.toContain(secret);
      expect(event?.raw).not.toMatch(/secret/i);
    });

    it('generates an id from the first redirect host and creates public clients without redirect URIs', async () => {
      const { client } = await createClient({ redirectUris: ['https://gen.example/cb'] });
      expect(client.id).toMatch(/^[A-Za-z0-9_-]{43}@gen\.example$/);
      const created = await createClient({ name: `${tag()} CLI`, public: true, redirectUris: [], admin: true });
      expect(created.client).toMatchObject({ public: true, admin: true, redirectUris: [] });
      // A public client has no secret: none in the answer, none to rotate.
      expect(Object.keys(created)).toEqual(['client']);
      const rotate = await send('POST', `/api/v1/clients/${encodeURIComponent(created.client.id)}/secret`);
      expect(rotate).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: 'a public client has no secret' } });
    });

    it('answers 409 for an id in use', async () => {
      const id = `${tag()}-dup`;
      await createClient({ id, redirectUris: ['https://dup.example/cb'] });
      const again = await send('POST', '/api/v1/clients', { id, redirectUris: ['https://other.example/cb'] });
      expect(again).toEqual({ status: 409, body: { code: 'CONFLICT', message: `client "${id}" already exists` } });
    });

    it('answers 400 naming the problem', async () => {
      const cb = ['https://bad.example/cb'];
      const cases: [unknown, string][] = [
        [{}, 'redirectUris is required'],
        [{ redirectUris: 'https://bad.example/cb' }, 'redirectUris must be an array of strings'],
        [{ redirectUris: [42] }, 'redirectUris must be an array of strings'],
        [{ redirectUris: [] }, 'at least one redirect URI is required'],
        [{ redirectUris: ['ftp://bad.example/cb'] }, 'invalid redirect URI: "ftp://bad.example/cb" must use http or https'],
        [{ redirectUris: ['https://bad.example/cb#x'] }, 'invalid redirect URI: "https://bad.example/cb#x" must not have a fragment'],
        [{ redirectUris: ['/cb'] }, 'invalid redirect URI: "/cb" is not an absolute URL'],
        [
          { redirectUris: ['ftp://a.example/cb', 'https://ok.example/cb', '/cb', 'https://b.example/cb#x'] },
          'invalid redirect URIs: "ftp://a.example/cb" must use http or https; "/cb" is not an absolute URL; "https://b.example/cb#x" must not have a fragment',
        ],
        [{ redirectUris: [], public: true }, 'a public client needs a name'],
        [{ redirectUris: cb, id: 'has space' }, 'a client id is 1 to 255 printable characters without spaces'],
        [{ redirectUris: cb, logoUri: 'javascript:alert(1)' }, 'logoUri must be an http(s) URL'],
        [{ redirectUris: cb, clientUri: 'not a url' }, 'clientUri must be an http(s) URL'],
        [{ redirectUris: cb, admin: 'yes' }, 'admin must be a boolean'],
        [{ redirectUris: cb, public: 1 }, 'public must be a boolean'],
        [{ redirectUris: cb, name: 7 }, 'name must be a string'],
        [{ redirectUris: cb, trustedPeers: [''] }, 'trustedPeers must be an array of non-empty strings'],
        [{ redirectUris: cb, secret: 'chosen-secret-chosen-secret-chosen' }, 'unknown field secret'],
        [[], 'the request body must be a JSON object'],
      ];
      for (const [body, message] of cases) expectBadRequest(await send('POST', '/api/v1/clients', body), message);
      const malformed = await harness.json('/api/v1/clients', { method: 'POST', body: '{"redirectUris":' });
      expectBadRequest(malformed, 'malformed JSON body');
    });
  });

  describe('GET /api/v1/clients', () => {
    it('pages through matches by id (3 pages), with the total on each page', async () => {
      const prefix = tag();
      const ids = Array.from({ length: 7 }, (_, index) => `${prefix}-${String(index + 1).padStart(2, '0')}`);
      // Created out of order: the list is ordered by id, not by creation.
      for (const id of [...ids].reverse()) await createClient({ id, redirectUris: ['https://page.example/cb'] });

      const seen: string[] = [];
      let cursor: string | null = null;
      const pages: number[] = [];
      do {
        const query: string = `q=${prefix}&limit=3${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const { status, body } = await harness.json(`/api/v1/clients?${query}`);
        expect(status).toBe(200);
        const page: TClientList = ZClientList.parse(body);
        expect(page.total).toBe(7);
        pages.push(page.items.length);
        seen.push(...page.items.map((client) => client.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(pages).toEqual([3, 3, 1]);
      expect(seen).toEqual(ids);
    });

    it('searches id and name case-insensitively, with LIKE wildcards taken literally', async () => {
      const prefix = tag();
      await createClient({ id: `${prefix}-plain`, name: 'Zebra Billing', redirectUris: ['https://z.example/cb'] });
      await createClient({ id: `${prefix}-under_score`, name: 'Other', redirectUris: ['https://z.example/cb'] });
      await createClient({ id: `${prefix}-underXscore`, name: `${prefix} 100% Tool`, redirectUris: ['https://z.example/cb'] });

      const search = async (q: string) => {
        const { body } = await harness.json(`/api/v1/clients?q=${encodeURIComponent(q)}`);
        const list = ZClientList.parse(body);
        return { ids: list.items.map((client) => client.id), total: list.total, nextCursor: list.nextCursor };
      };
      expect(await search(`${prefix.toUpperCase()}-PLAIN`)).toEqual({ ids: [`${prefix}-plain`], total: 1, nextCursor: null });
      expect((await search('zEBRA bill')).ids).toContain(`${prefix}-plain`);
      expect(await search(`${prefix}-under_`)).toEqual({ ids: [`${prefix}-under_score`], total: 1, nextCursor: null });
      expect(await search(`${prefix} 100%`)).toEqual({ ids: [`${prefix}-underXscore`], total: 1, nextCursor: null });
      expect(await search(`${prefix}-nothing`)).toEqual({ ids: [], total: 0, nextCursor: null });

      const all = ZClientList.parse((await harness.json('/api/v1/clients')).body);
      expect(all.total).toBeGreaterThanOrEqual(3);
      expect(all.items.length).toBe(Math.min(all.total, 50));
    });

    it('answers 400 naming the bad parameter', async () => {
      for (const limit of ['0', '101', 'abc', '1.5', '-1', '']) {
        expectBadRequest(await harness.json(`/api/v1/clients?limit=${limit}`), LIMIT_MESSAGE);
      }
      expectBadRequest(await harness.json('/api/v1/clients?limit=1&limit=2'), LIMIT_MESSAGE);
      expectBadRequest(await harness.json('/api/v1/clients?cursor=not-a-cursor'), 'cursor is invalid');
      expectBadRequest(await harness.json('/api/v1/clients?q=a&q=b'), 'q must be a single string');
      expectBadRequest(await harness.json('/api/v1/clients?sort=name'), 'unknown query parameter sort');
    });
  });

  describe('GET /api/v1/clients/:id', () => {
    it('answers 404 {code, message} for an unknown client, and 404 for unknown routes', async () => {
      expect(await harness.json('/api/v1/clients/nobody')).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'client not found' },
      });
      const unknown = await harness.json('/api/v1/clients/nobody/nothing');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('reads clients whose id needs percent-encoding', async () => {
      const id = `${tag()}/with?odd#chars@host`;
      await createClient({ id, redirectUris: ['https://odd.example/cb'] });
      const { status, body } = await harness.json(`/api/v1/clients/${encodeURIComponent(id)}`);
      expect(status).toBe(200);
      expect(ZClient.parse(body).id).toBe(id);
    });
  });

  describe('PATCH /api/v1/clients/:id', () => {
    it('changes the given fields, replaces lists and records before/after', async () => {
      const { client } = await createClient({
        id: `${tag()}-edit`,
        name: 'Before',
        redirectUris: ['https://edit.example/one'],
        logoUri: 'https://edit.example/logo.png',
        trustedPeers: ['old-peer'],
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const { status, body } = await send('PATCH', `/api/v1/clients/${client.id}`, {
        name: '  After  ',
        redirectUris: ['https://edit.example/two', 'https://edit.example/three'],
        logoUri: null,
        clientUri: 'https://edit.example/',
        admin: true,
        trustedPeers: ['new-b', 'new-a'],
      });
      expect(status).toBe(200);
      const after = ZClient.parse(body);
      expect(after).toEqual({
        ...client,
        name: 'After',
        redirectUris: ['https://edit.example/two', 'https://edit.example/three'],
        logoUri: null,
        clientUri: 'https://edit.example/',
        admin: true,
        trustedPeers: ['new-a', 'new-b'],
        updatedAt: expect.stringMatching(ISO),
      });
      expect(after.updatedAt > client.updatedAt).toBe(true);
      expect(ZClient.parse((await harness.json(`/api/v1/clients/${client.id}`)).body)).toEqual(after);

      const updates = (await auditOf(client.id)).filter((event) => event.action === 'client.update');
      expect(updates).toEqual([expect.objectContaining({ actor: 'admin-api', before: client, after })]);

      // Lists alone are a change too; a public client may drop every redirect URI.
      const publicClient = await send('PATCH', `/api/v1/clients/${client.id}`, { public: true, redirectUris: [] });
      expect(publicClient.status).toBe(200);
      expect(publicClient.body).toMatchObject({ public: true, redirectUris: [] });
      // RFC 9068 JWT access tokens are a client setting.
      const jwtClient = await send('PATCH', `/api/v1/clients/${client.id}`, { accessTokenFormat: 'jwt' });
      expect(jwtClient.body).toMatchObject({ accessTokenFormat: 'jwt' });
    });

    it('validates the result as a create does', async () => {
      const { client } = await createClient({ id: `${tag()}-rules`, redirectUris: ['https://rules.example/cb'] });
      const path = `/api/v1/clients/${client.id}`;
      const cases: [unknown, string][] = [
        [{ redirectUris: [] }, 'at least one redirect URI is required'],
        [{ redirectUris: ['https://rules.example/cb#f'] }, 'invalid redirect URI: "https://rules.example/cb#f" must not have a fragment'],
        [{ public: true }, 'a public client needs a name'],
        [{ logoUri: 'ftp://x' }, 'logoUri must be an http(s) URL'],
        [{ id: 'renamed' }, 'unknown field id'],
        [{ secret: 'x' }, 'unknown field secret'],
        [{ accessTokenFormat: 'paseto' }, 'accessTokenFormat must be "opaque" or "jwt"'],
        [
          {},
          'nothing to update: send at least one of name, redirectUris, logoUri, clientUri, admin, public, trusted, accessTokenFormat, trustedPeers',
        ],
      ];
      for (const [body, message] of cases) expectBadRequest(await send('PATCH', path, body), message);
      expect(ZClient.parse((await harness.json(path)).body)).toEqual(client);
      expect(await send('PATCH', '/api/v1/clients/nobody', { name: 'x' })).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'client not found' },
      });
    });
  });

  describe('POST /api/v1/clients/:id/secret', () => {
    it('rotates the secret: the new one works at once, the old one no longer does', async () => {
      const { client, secret: oldSecret } = await createClient({ id: `${tag()}-rotate`, redirectUris: ['https://rot.example/cb'] });
      const response = await harness.call(`/api/v1/clients/${client.id}/secret`, { method: 'POST' });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { secret: string };
      expect(Object.keys(body)).toEqual(['secret']);
      expect(body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(body.secret).not.toBe(oldSecret);
      expect(await authenticateClient(prisma(), { id: client.id, secret: body.secret })).toMatchObject({ id: client.id });
      expect(await authenticateClient(prisma(), { id: client.id, secret: oldSecret ?? '' })).toBeNull();

      const readBack = await (await harness.call(`/api/v1/clients/${client.id}`)).text();
      expect(readBack).not.toContain(body.secret);
      const rotation = (await auditOf(client.id)).find((event) => event.action === 'client.rotate_secret');
      expect(rotation).toMatchObject({ before: client, after: { ...client, updatedAt: expect.stringMatching(ISO) } });
      expect(rotation?.raw).not.toContain(body.secret);
      expect(rotation?.raw).not.toContain(oldSecret);

      expect(await send('POST', '/api/v1/clients/nobody/secret')).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'client not found' },
      });
    });
  });

  describe('DELETE /api/v1/clients/:id', () => {
    it('deletes the client, its refresh tokens and other clients’ trust in it', async () => {
      const { client } = await createClient({ id: `${tag()}-gone`, redirectUris: ['https://gone.example/cb'] });
      const { client: keeper } = await createClient({
        id: `${tag()}-keeper`,
        redirectUris: ['https://keep.example/cb'],
        trustedPeers: [client.id, 'someone-else'],
      });
      const user = await createUser(prisma(), { email: `${tag()}@example.com` });
      const issue = (clientId: string) =>
        issueRefreshToken(prisma(), { userId: user.id, clientId, connectorId: 'local', scopes: ['openid'], ttlMs: 60_000 });
      await issue(client.id);
      await issue(client.id);
      await issue(keeper.id);

      const response = await harness.call(`/api/v1/clients/${client.id}`, { method: 'DELETE' });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect((await harness.json(`/api/v1/clients/${client.id}`)).status).toBe(404);
      expect(await prisma().refreshToken.count({ where: { clientId: client.id } })).toBe(0);
      expect(await prisma().refreshToken.count({ where: { clientId: keeper.id } })).toBe(1);
      expect(ZClient.parse((await harness.json(`/api/v1/clients/${keeper.id}`)).body).trustedPeers).toEqual(['someone-else']);

      const deletion = (await auditOf(client.id)).find((event) => event.action === 'client.delete');
      expect(deletion).toMatchObject({ actor: 'admin-api', before: client, after: null });

      expect(await send('DELETE', `/api/v1/clients/${client.id}`)).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'client not found' },
      });
    });
  });

  describe('POST /api/v1/client (dex v0)', () => {
    it('creates a client from v0 field names and answers 200 {"client": {..., id, secret}}', async () => {
      const response = await send('POST', '/api/v1/client', {
        client: {
          redirectURIs: ['https://v0.example/callback'],
          clientName: 'V0 App',
          logoURI: 'https://v0.example/logo.png',
          clientURI: '',
          isAdmin: true,
          trustedPeers: ['peer'],
          public: false,
          ignoredByGo: 'yes',
        },
      });
      expect(response.status).toBe(200);
      const { client } = ZV0CreateClientResponse.parse(response.body);
      expect(response.body).toEqual({
        client: {
          id: expect.stringMatching(/@v0\.example$/),
          secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          redirectURIs: ['https://v0.example/callback'],
          clientName: 'V0 App',
          logoURI: 'https://v0.example/logo.png',
          isAdmin: true,
          trustedPeers: ['peer'],
          public: false,
        },
      });
      expect(await authenticateClient(prisma(), { id: client.id, secret: client.secret ?? '' })).toMatchObject({ admin: true });
      const rest = ZClient.parse((await harness.json(`/api/v1/clients/${encodeURIComponent(client.id)}`)).body);
      expect(rest).toMatchObject({ name: 'V0 App', logoUri: 'https://v0.example/logo.png', clientUri: null, admin: true });
      const [event] = await auditOf(client.id);
      expect(event).toMatchObject({ action: 'client.create', after: rest });
      expect(event?.raw).not.toContain(client.secret);
    });

    it('keeps a chosen id and base64url secret', async () => {
      const id = `${tag()}-v0`;
      const secret = randomBytes(32).toString('base64url');
      const { status, body } = await send('POST', '/api/v1/client', {
        client: { id, secret, redirectURIs: ['https://v0.example/cb'] },
      });
      expect(status).toBe(200);
      expect(body).toMatchObject({ client: { id, secret } });
      expect(await authenticateClient(prisma(), { id, secret })).toMatchObject({ id });
      expect((await send('POST', '/api/v1/client', { client: { id, redirectURIs: ['https://v0.example/cb'] } })).status).toBe(409);
    });

    it('answers 400 naming the problem', async () => {
      const cb = ['https://v0.example/cb'];
      const cases: [unknown, string][] = [
        [{}, 'client is required'],
        [{ client: null }, 'client is required'],
        [{ client: [] }, 'client must be a JSON object'],
        [{ client: {} }, 'at least one redirect URI is required'],
        [{ client: { redirectURIs: ['urn:x'] } }, 'invalid redirect URI: "urn:x" must use http or https'],
        [{ client: { redirectURIs: [], public: true } }, 'a public client needs a name'],
        [{ client: { redirectURIs: cb, secret: 'not base64!' } }, 'client.secret must be base64url'],
        [{ client: { redirectURIs: cb, secret: 'c2hvcnQ' } }, 'a client secret must be at least 32 characters'],
        [{ client: { redirectURIs: cb, logoURI: 'nope' } }, 'client.logoURI must be an http(s) URL'],
        [{ client: { redirectURIs: cb, isAdmin: 'true' } }, 'client.isAdmin must be a boolean'],
      ];
      for (const [body, message] of cases) expectBadRequest(await send('POST', '/api/v1/client', body), message);
    });
  });
});
