import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainTokens, type TestClient, tokenRequest } from '../support/flows.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

async function api(stack: WorkerStack, path: string, token: string, method = 'GET') {
  const response = await fetch(`${stack.issuer}/api/v1/${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
}

describe.each(testProviders(process.env))('worker API v1: a user’s refresh-token clients (v0 §2.14 account) (%s)', (provider) => {
  let stack: WorkerStack;
  let mail: TestClient;
  let calendar: TestClient;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    mail = await stack.addClient({ name: 'Mail' });
    await stack.db.prisma.client.update({ where: { id: mail.id }, data: { logoUri: 'https://mail.example.com/logo.png' } });
    calendar = await stack.addClient({ name: 'Calendar' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A user who gave both clients offline access (twice to Mail), and their tokens. */
  async function userWithTwoClients() {
    const first = await obtainTokens(stack, { client: mail, scope: 'openid email offline_access' });
    const user = first.user;
    const again = await obtainTokens(stack, { client: mail, user, scope: 'openid email offline_access' });
    const other = await obtainTokens(stack, { client: calendar, user, scope: 'openid email offline_access' });
    return { user, mailTokens: [first.tokens, again.tokens], calendarTokens: other.tokens };
  }

  const clientIds = (body: Record<string, unknown> | null) =>
    (body === null ? [] : (body.clients as { clientID: string }[])).map((c) => c.clientID).sort();

  it('lists each client holding the user’s refresh tokens once, with v0’s fields, for the user’s own ID token', async () => {
    const { user, calendarTokens } = await userWithTwoClients();
    // Any client's ID token will do for one's own account: here Calendar's, not an admin client.
    const listed = await api(stack, `account/${user.id}/refresh`, String(calendarTokens.id_token));
    expect(listed.status).toBe(200);
    expect(clientIds(listed.body)).toEqual([calendar.id, mail.id].sort());
    expect(listed.body?.clients).toContainEqual({ clientID: mail.id, clientName: 'Mail', logoURI: 'https://mail.example.com/logo.png' });
    expect(listed.body?.clients).toContainEqual({ clientID: calendar.id, clientName: 'Calendar' });
  });

  it('revokes every refresh token of one client: 200 with an empty body, the tokens and their access tokens die, the other client keeps its own', async () => {
    const { user, mailTokens, calendarTokens } = await userWithTwoClients();
    const removed = await api(
      stack,
      `account/${user.id}/refresh/${encodeURIComponent(mail.id)}`,
      String(calendarTokens.id_token),
      'DELETE',
    );
    expect(removed).toEqual({ status: 200, body: null });

    const listed = await api(stack, `account/${user.id}/refresh`, String(calendarTokens.id_token));
    expect(clientIds(listed.body)).toEqual([calendar.id]);
    for (const tokens of mailTokens) {
      const refused = await tokenRequest(stack, mail, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');
      const userinfo = await fetch(`${stack.issuer}/userinfo`, { headers: { authorization: `Bearer ${String(tokens.access_token)}` } });
      expect(userinfo.status).toBe(401);
    }
    const kept = await tokenRequest(stack, calendar, { grant_type: 'refresh_token', refresh_token: String(calendarTokens.refresh_token) });
    expect(kept.status).toBe(200);
    const event = await stack.db.prisma.auditEvent.findFirst({ where: { action: 'user.revoke_client_tokens', targetId: user.id } });
    expect(event?.actor).toBe(user.email);
  });

  it('refuses to show or touch another user’s account without admin rights (403 forbidden), and lets an admin through an admin client', async () => {
    const { user } = await userWithTwoClients();
    const stranger = await obtainTokens(stack, { client: calendar, scope: 'openid email' });
    const strangerToken = String(stranger.tokens.id_token);
    const refusal = { status: 403, body: { error: 'forbidden', error_description: `client ${calendar.id} is not an admin client` } };
    expect(await api(stack, `account/${user.id}/refresh`, strangerToken)).toEqual(refusal);
    expect(await api(stack, `account/${user.id}/refresh/${encodeURIComponent(mail.id)}`, strangerToken, 'DELETE')).toEqual(refusal);

    const console = await stack.addClient();
    await stack.db.prisma.client.update({ where: { id: console.id }, data: { admin: true } });
    const admin = await stack.addUser();
    await stack.db.prisma.user.update({ where: { id: admin.id }, data: { admin: true } });
    const adminTokens = await obtainTokens(stack, { client: console, user: admin, scope: 'openid email' });
    const listed = await api(stack, `account/${user.id}/refresh`, String(adminTokens.tokens.id_token));
    expect(clientIds(listed.body)).toEqual([calendar.id, mail.id].sort());
  });

  it('answers 404 resource_not_found for an unknown user (to an admin), and an empty list for a user without refresh tokens', async () => {
    const plain = await obtainTokens(stack, { client: calendar, scope: 'openid email' });
    expect(await api(stack, `account/${plain.user.id}/refresh`, String(plain.tokens.id_token))).toEqual({
      status: 200,
      body: { clients: [] },
    });
    const console = await stack.addClient();
    await stack.db.prisma.client.update({ where: { id: console.id }, data: { admin: true } });
    const admin = await stack.addUser();
    await stack.db.prisma.user.update({ where: { id: admin.id }, data: { admin: true } });
    const adminTokens = await obtainTokens(stack, { client: console, user: admin, scope: 'openid' });
    expect(await api(stack, 'account/no-such-user/refresh', String(adminTokens.tokens.id_token))).toEqual({
      status: 404,
      body: { error: 'resource_not_found', error_description: 'user not found' },
    });
  });

  it('refuses a request without a token with 401 unauthorized', async () => {
    const response = await fetch(`${stack.issuer}/api/v1/account/anyone/refresh`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('unauthorized');
  });
});
