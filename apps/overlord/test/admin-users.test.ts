import { randomBytes } from 'node:crypto';
import type { TUser, TUserList } from '@dex/shared/admin-api';
import { createBrowserSession, issueRefreshToken } from '@dex/shared/domain/auth';
import { verifyLocalPassword } from '@dex/shared/domain/users';
import { testProviders } from '@dex/shared/testing';
import { DEX_VERSION } from '@dex/shared/version';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LIMIT_MESSAGE = 'limit must be an integer from 1 to 100';

/** A lower-case tag unique to one test, so tests sharing the database see only their own users. */
const tag = () => `t${randomBytes(4).toString('hex')}`;

describe.each(testProviders(process.env))('admin API users (%s)', (provider) => {
  let harness: AdminHarness;
  beforeAll(async () => {
    harness = await startAdminHarness(provider);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  const prisma = () => harness.overlord.db.prisma;
  const post = (path: string, body?: unknown) =>
    harness.json(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const patch = (path: string, body: unknown) => harness.json(path, { method: 'PATCH', body: JSON.stringify(body) });
  const createUser = async (body: Record<string, unknown>): Promise<TUser> => {
    const { status, body: user } = await post('/api/v1/users', body);
    expect(status).toBe(201);
    return user as TUser;
  };
  const auditOf = async (targetId: string) =>
    (await prisma().auditEvent.findMany({ where: { targetType: 'user', targetId }, orderBy: { at: 'asc' } })).map((event) => ({
      actor: event.actor,
      action: event.action,
      before: event.before === null ? null : JSON.parse(event.before),
      after: event.after === null ? null : JSON.parse(event.after),
    }));

  describe('POST /api/v1/users', () => {
    it('creates a user with a password (hashed, never returned) and answers 201 with Location', async () => {
      const email = `${tag()}@Example.com`;
      const response = await harness.call('/api/v1/users', {
        method: 'POST',
        body: JSON.stringify({ email, password: 'correct horse', displayName: 'Ann Example', emailVerified: true }),
      });
      expect(response.status).toBe(201);
      const user = (await response.json()) as TUser;
      expect(user).toEqual({
        id: expect.any(String),
        email: email.toLowerCase(),
        displayName: 'Ann Example',
        emailVerified: true,
        admin: false,
        disabled: false,
        createdAt: expect.stringMatching(ISO),
        hasPassword: true,
        connectors: ['local'],
      });
      expect(response.headers.get('location')).toBe(`/api/v1/users/${user.id}`);

      const stored = await prisma().passwordCredential.findUniqueOrThrow({ where: { userId: user.id } });
      expect(stored.passwordHash).toMatch(/^\$scrypt\$/);
      expect(await verifyLocalPassword(prisma(), { email, password: 'correct horse' })).toMatchObject({ ok: true });
      expect(await auditOf(user.id)).toEqual([{ actor: 'admin-api', action: 'user.create', before: null, after: user }]);
      const auditText = await prisma().auditEvent.findFirstOrThrow({ where: { targetId: user.id } });
      expect(`${auditText.after}`).not.toMatch(/correct horse|scrypt/);
    });

    it('creates an admin without a password (upstream logins only)', async () => {
      const user = await createUser({ email: `${tag()}@example.com`, admin: true });
      expect(user).toMatchObject({ admin: true, emailVerified: false, displayName: '', hasPassword: false, connectors: [] });
      expect(await prisma().remoteIdentity.count({ where: { userId: user.id } })).toBe(0);
    });

    it('answers 409 for an email in use, case-insensitively', async () => {
      const email = `${tag()}@example.com`;
      await createUser({ email });
      expect(await post('/api/v1/users', { email: email.toUpperCase(), password: 'another-password' })).toEqual({
        status: 409,
        body: { code: 'CONFLICT', message: 'email already in use' },
      });
    });

    it.each([
      ['{}', 'email is required'],
      ['{"email":""}', 'email is required'],
      ['{"email":7}', 'email is required'],
      ['{"email":"not-an-email"}', 'invalid email address'],
      ['{"email":"short@example.com","password":"abc"}', 'password must be at least 6 characters'],
      ['{"email":"x@example.com","password":123456}', 'password must be a string'],
      ['{"email":"x@example.com","admin":"yes"}', 'admin must be a boolean'],
      ['{"email":"x@example.com","emailVerified":1}', 'emailVerified must be a boolean'],
      [`{"email":"x@example.com","displayName":"${'n'.repeat(201)}"}`, 'displayName must be at most 200 characters'],
      ['{"email":"x@example.com","isAdmin":true}', 'unknown field isAdmin'],
      ['["x@example.com"]', 'the request body must be a JSON object'],
      ['{"email":', 'malformed JSON body'],
    ])('answers 400 for %s', async (body, message) => {
      expect(await harness.json('/api/v1/users', { method: 'POST', body })).toEqual({
        status: 400,
        body: { code: 'BAD_REQUEST', message },
      });
    });
  });

  describe('GET /api/v1/users/:id', () => {
    it('reads a user', async () => {
      const user = await createUser({ email: `${tag()}@example.com`, password: 'secret-password' });
      expect(await harness.json(`/api/v1/users/${user.id}`)).toEqual({ status: 200, body: user });
    });

    it('answers 404 for an unknown user', async () => {
      expect(await harness.json('/api/v1/users/no-such-user')).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'user not found' },
      });
    });
  });

  describe('GET /api/v1/users', () => {
    it('pages by email over three pages, with the total on each', async () => {
      const t = tag();
      const created: TUser[] = [];
      // Created out of order: the list orders by email, not by creation.
      for (const n of [3, 1, 5, 2, 4]) created.push(await createUser({ email: `${t}-u${n}@example.com` }));
      const emails = created.map((user) => user.email).sort();

      const seen: string[] = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const query: string = `/api/v1/users?q=${t}&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const { status, body } = await harness.json(query);
        expect(status).toBe(200);
        const page = body as TUserList;
        expect(page.total).toBe(5);
        sizes.push(page.items.length);
        seen.push(...page.items.map((user) => user.email));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(emails);
      const full = (await harness.json(`/api/v1/users?q=${t}`)).body as TUserList;
      expect(full).toEqual({ items: emails.map((email) => created.find((user) => user.email === email)), total: 5, nextCursor: null });
    });

    it('pages 50 users by default', async () => {
      const t = tag();
      await prisma().user.createMany({
        data: Array.from({ length: 51 }, (_, i) => ({ id: `${t}-${i}`, email: `${t}-${String(i).padStart(2, '0')}@example.com` })),
      });
      const page = (await harness.json(`/api/v1/users?q=${t}`)).body as TUserList;
      expect(page.items).toHaveLength(50);
      expect(page.total).toBe(51);
      expect(page.nextCursor).toEqual(expect.any(String));
      const last = (await harness.json(`/api/v1/users?q=${t}&cursor=${page.nextCursor}`)).body as TUserList;
      expect(last.items.map((user) => user.email)).toEqual([`${t}-50@example.com`]);
      expect(last.nextCursor).toBeNull();
    });

    it('searches emails and display names case-insensitively, with % and _ matching themselves', async () => {
      const t = tag();
      const ann = await createUser({ email: `ann.${t}@example.com`, displayName: 'Ann Smith' });
      const bob = await createUser({ email: `bob.${t}@example.com`, displayName: `Bob ${t.toUpperCase()} 100%_done` });
      const search = async (q: string) =>
        ((await harness.json(`/api/v1/users?q=${encodeURIComponent(q)}`)).body as TUserList).items.map((user) => user.id);
      expect(await search(t.toUpperCase())).toEqual([ann.id, bob.id]);
      expect(await search(`ANN.${t}`)).toEqual([ann.id]);
      expect(await search(`b ${t}`)).toEqual([bob.id]);
      expect(await search(`${t} 100%_d`)).toEqual([bob.id]);
      expect(await search(`${t}%`)).toEqual([]);
      expect(await search(`ann_${t}`)).toEqual([]);
      expect((await harness.json(`/api/v1/users?q=${t}-nobody`)).body).toEqual({ items: [], total: 0, nextCursor: null });
    });

    it.each([
      ['limit=0', LIMIT_MESSAGE],
      ['limit=101', LIMIT_MESSAGE],
      ['limit=abc', LIMIT_MESSAGE],
      ['limit=1e1', LIMIT_MESSAGE],
      ['limit=', LIMIT_MESSAGE],
      ['limit=1&limit=2', LIMIT_MESSAGE],
      ['q=a&q=b', 'q must be a single string'],
      ['cursor=not-a-cursor', 'cursor is invalid'],
      [`cursor=${Buffer.from('{"at":1}').toString('base64url')}`, 'cursor is invalid'],
      ['cursor=', 'cursor must not be empty'],
      ['sort=email', 'unknown query parameter sort'],
    ])('answers 400 for ?%s', async (query, message) => {
      expect(await harness.json(`/api/v1/users?${query}`)).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message } });
    });
  });

  describe('PATCH /api/v1/users/:id', () => {
    it('changes admin, displayName and emailVerified, and audits before and after', async () => {
      const user = await createUser({ email: `${tag()}@example.com`, password: 'secret-password' });
      const changed = { ...user, admin: true, displayName: 'Renamed', emailVerified: true };
      expect(await patch(`/api/v1/users/${user.id}`, { admin: true, displayName: 'Renamed', emailVerified: true })).toEqual({
        status: 200,
        body: changed,
      });
      expect(await patch(`/api/v1/users/${user.id}`, { admin: false })).toEqual({ status: 200, body: { ...changed, admin: false } });
      expect(await auditOf(user.id)).toEqual([
        { actor: 'admin-api', action: 'user.create', before: null, after: user },
        { actor: 'admin-api', action: 'user.update', before: user, after: changed },
        { actor: 'admin-api', action: 'user.update', before: changed, after: { ...changed, admin: false } },
      ]);
    });

    it.each([
      [{}, 'nothing to update: send at least one of admin, displayName, email, emailVerified'],
      [{ admin: 'yes' }, 'admin must be a boolean'],
      [{ displayName: null }, 'displayName must be a string'],
      [{ email: 42 }, 'email must be a string'],
      [{ email: '' }, 'email must not be empty'],
      [{ email: 'not an address' }, 'invalid email address'],
      [{ password: 'new-password' }, 'unknown field password'],
    ])('answers 400 for %j', async (body, message) => {
      const user = await createUser({ email: `${tag()}@example.com` });
      expect(await patch(`/api/v1/users/${user.id}`, body)).toEqual({ status: 400, body: { code: 'BAD_REQUEST', message } });
    });

    it('changes the email (lowercased): unverified unless emailVerified comes with it; the user logs in with the new one', async () => {
      const user = await createUser({ email: `${tag()}@example.com`, password: 'secret-password', emailVerified: true });
      const email = `${tag()}@Example.com`;
      expect(await patch(`/api/v1/users/${user.id}`, { email })).toEqual({
        status: 200,
        body: { ...user, email: email.toLowerCase(), emailVerified: false },
      });
      expect(await verifyLocalPassword(prisma(), { email, password: 'secret-password' })).toMatchObject({ ok: true });
      expect(await verifyLocalPassword(prisma(), { email: user.email, password: 'secret-password' })).toMatchObject({ ok: false });
      const other = `${tag()}@example.com`;
      expect(await patch(`/api/v1/users/${user.id}`, { email: other, emailVerified: true, displayName: 'Moved' })).toEqual({
        status: 200,
        body: { ...user, email: other, emailVerified: true, displayName: 'Moved' },
      });
      // The same address again (any case) changes nothing.
      expect((await patch(`/api/v1/users/${user.id}`, { email: other.toUpperCase() })).body).toMatchObject({
        email: other,
        emailVerified: true,
      });
    });

    it("answers 409 for another user's email", async () => {
      const taken = await createUser({ email: `${tag()}@example.com` });
      const user = await createUser({ email: `${tag()}@example.com` });
      expect(await patch(`/api/v1/users/${user.id}`, { email: taken.email.toUpperCase() })).toEqual({
        status: 409,
        body: { code: 'CONFLICT', message: 'email already in use' },
      });
      expect((await harness.json(`/api/v1/users/${user.id}`)).body).toEqual(user);
    });

    it('answers 404 for an unknown user', async () => {
      expect(await patch('/api/v1/users/no-such-user', { admin: true })).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'user not found' },
      });
    });
  });

  describe('disable, enable and revoke-tokens', () => {
    /** A user with a password, three live refresh tokens and two browser sessions. */
    const userWithGrants = async () => {
      const email = `${tag()}@example.com`;
      const user = await createUser({ email, password: 'secret-password' });
      const grant = { userId: user.id, clientId: 'some-client', connectorId: 'local', scopes: ['openid'], ttlMs: 3_600_000 };
      for (let i = 0; i < 3; i++) await issueRefreshToken(prisma(), grant);
      const session = { userId: user.id, connectorId: 'local', identity: { id: user.id }, authTime: new Date(), ttlMs: 3_600_000 };
      await createBrowserSession(prisma(), session);
      await createBrowserSession(prisma(), session);
      const live = () => prisma().refreshToken.count({ where: { userId: user.id, revokedAt: null } });
      const sessions = () => prisma().browserSession.count({ where: { userId: user.id } });
      return { email, user, live, sessions };
    };

    it('disabling refuses local logins, revokes refresh tokens and ends sessions; enabling allows logins again', async () => {
      const { email, user, live, sessions } = await userWithGrants();
      expect([await live(), await sessions()]).toEqual([3, 2]);

      const disabled = { ...user, disabled: true };
      expect(await post(`/api/v1/users/${user.id}/disable`)).toEqual({ status: 200, body: disabled });
      expect([await live(), await sessions()]).toEqual([0, 0]);
      expect(await verifyLocalPassword(prisma(), { email, password: 'secret-password' })).toEqual({ ok: false, reason: 'disabled' });
      // Idempotent.
      expect(await post(`/api/v1/users/${user.id}/disable`)).toEqual({ status: 200, body: disabled });

      expect(await post(`/api/v1/users/${user.id}/enable`)).toEqual({ status: 200, body: user });
      expect(await verifyLocalPassword(prisma(), { email, password: 'secret-password' })).toMatchObject({ ok: true });
      expect(await live()).toBe(0);
      expect((await auditOf(user.id)).map((event) => event.action)).toEqual(['user.create', 'user.disable', 'user.disable', 'user.enable']);
      expect((await auditOf(user.id))[1]).toEqual({ actor: 'admin-api', action: 'user.disable', before: user, after: disabled });
    });

    it('revoke-tokens logs the user out everywhere and counts what it ended', async () => {
      const { user, live, sessions } = await userWithGrants();
      // One token is already revoked (by a logout, say): it is not counted again.
      const [first] = await prisma().refreshToken.findMany({ where: { userId: user.id }, take: 1 });
      await prisma().refreshToken.update({ where: { id: first?.id ?? '' }, data: { revokedAt: new Date() } });

      expect(await post(`/api/v1/users/${user.id}/revoke-tokens`)).toEqual({
        status: 200,
        body: { revokedRefreshTokens: 2, endedSessions: 2 },
      });
      expect([await live(), await sessions()]).toEqual([0, 0]);
      expect(await post(`/api/v1/users/${user.id}/revoke-tokens`)).toEqual({
        status: 200,
        body: { revokedRefreshTokens: 0, endedSessions: 0 },
      });
      expect((await auditOf(user.id)).slice(1)).toEqual([
        { actor: 'admin-api', action: 'user.revoke_tokens', before: null, after: { revokedRefreshTokens: 2, endedSessions: 2 } },
        { actor: 'admin-api', action: 'user.revoke_tokens', before: null, after: { revokedRefreshTokens: 0, endedSessions: 0 } },
      ]);
      // Revoking tokens does not disable the user.
      expect((await harness.json(`/api/v1/users/${user.id}`)).body).toEqual(user);
    });

    it.each(['disable', 'enable', 'revoke-tokens'])('POST /api/v1/users/:id/%s answers 404 for an unknown user', async (action) => {
      expect(await post(`/api/v1/users/no-such-user/${action}`)).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'user not found' },
      });
    });
  });

  describe('DELETE /api/v1/users/:id', () => {
    it('deletes the user with their password, identities, refresh tokens and sessions, answers 204 and audits the user as it was', async () => {
      const email = `${tag()}@example.com`;
      const user = await createUser({ email, password: 'secret-password' });
      await issueRefreshToken(prisma(), {
        userId: user.id,
        clientId: 'some-client',
        connectorId: 'local',
        scopes: ['openid'],
        ttlMs: 3_600_000,
      });
      await createBrowserSession(prisma(), {
        userId: user.id,
        connectorId: 'local',
        identity: { id: user.id },
        authTime: new Date(),
        ttlMs: 3_600_000,
      });

      const response = await harness.call(`/api/v1/users/${user.id}`, { method: 'DELETE' });
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
      expect(await harness.json(`/api/v1/users/${user.id}`)).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'user not found' },
      });
      expect(await verifyLocalPassword(prisma(), { email, password: 'secret-password' })).toMatchObject({ ok: false });
      const left = await Promise.all([
        prisma().refreshToken.count({ where: { userId: user.id } }),
        prisma().browserSession.count({ where: { userId: user.id } }),
        prisma().remoteIdentity.count({ where: { userId: user.id } }),
        prisma().passwordCredential.count({ where: { userId: user.id } }),
      ]);
      expect(left).toEqual([0, 0, 0, 0]);
      expect((await auditOf(user.id)).at(-1)).toEqual({ actor: 'admin-api', action: 'user.delete', before: user, after: null });
      // The address is free again.
      expect((await createUser({ email })).email).toBe(email);
    });

    it('answers 404 for an unknown user', async () => {
      expect(await harness.json('/api/v1/users/no-such-user', { method: 'DELETE' })).toEqual({
        status: 404,
        body: { code: 'NOT_FOUND', message: 'user not found' },
      });
    });
  });

  describe('GET /api/v1/state', () => {
    it("keeps v0's AdminUserCreated and adds counts, the database and the version", async () => {
      const { status, body } = await harness.json('/api/v1/state');
      expect(status).toBe(200);
      expect(body).toEqual({
        AdminUserCreated: (await prisma().user.count({ where: { admin: true } })) > 0,
        clients: await prisma().client.count(),
        users: await prisma().user.count(),
        connectors: await prisma().connectorConfig.count(),
        database: provider,
        version: DEX_VERSION,
      });
      await createUser({ email: `${tag()}@example.com`, admin: true });
      expect(await harness.json('/api/v1/state')).toMatchObject({
        body: { AdminUserCreated: true, users: await prisma().user.count() },
      });
    });
  });

  it('refuses every user endpoint without the admin secret', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users'],
      ['GET', '/api/v1/users/x'],
      ['PATCH', '/api/v1/users/x'],
      ['DELETE', '/api/v1/users/x'],
      ['POST', '/api/v1/users/x/disable'],
      ['POST', '/api/v1/users/x/enable'],
      ['POST', '/api/v1/users/x/revoke-tokens'],
    ] as const) {
      expect(await harness.json(path, { method, secret: null })).toEqual({
        status: 401,
        body: { code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' },
      });
    }
  });
});
