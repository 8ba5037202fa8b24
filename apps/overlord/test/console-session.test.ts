import {
  CONSOLE_SESSION_IDLE_MS,
  CONSOLE_SESSION_MAX_MS,
  createConsoleSession,
  findConsoleSession,
} from '@dex/shared/domain/console-sessions';
import { testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

describe.each(testProviders(process.env))('the console session held by the overlord (%s)', (provider) => {
  let harness: AdminHarness;

  beforeAll(async () => {
    harness = await startAdminHarness(provider);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  /** The break-glass sign-in, as the web console does it: the secret once, a cookie back. */
  const signIn = async () => {
    const response = await harness.call('/api/v1/session', {
      method: 'POST',
      secret: null,
      body: JSON.stringify({ secret: harness.adminApiSecret }),
    });
    expect(response.status).toBe(201);
    const setCookie = response.headers.get('set-cookie') ?? '';
    const body = (await response.json()) as { actor: string; csrfToken: string; expiresAt: string };
    const cookie = setCookie.split(';')[0] ?? '';
    return { setCookie, cookie, body };
  };

  it('exchanges the admin secret once for an HttpOnly, SameSite=Strict session cookie', async () => {
    const { setCookie, cookie, body } = await signIn();
    expect(cookie).toMatch(/^dex_console_session=[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/; Path=\//);
    expect(body.actor).toBe('break-glass');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The cookie is not the secret, and the answer does not carry the secret.
    expect(JSON.stringify(body)).not.toContain(harness.adminApiSecret);

    const current = await harness.call('/api/v1/session', { secret: null, headers: { cookie } });
    expect(current.status).toBe(200);
    expect(await current.json()).toMatchObject({ actor: 'break-glass', csrfToken: body.csrfToken });
  });

  it('refuses a wrong secret, and answers 401 without a session', async () => {
    const wrong = await harness.call('/api/v1/session', { method: 'POST', secret: null, body: JSON.stringify({ secret: 'nope' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await harness.call('/api/v1/session', { secret: null })).status).toBe(401);
    const forged = await harness.call('/api/v1/clients', { secret: null, headers: { cookie: 'dex_console_session=forged' } });
    expect(forged.status).toBe(401);
  });

  it('reads with the cookie, changes only with its CSRF token, and the audit log names the session', async () => {
    const { cookie, body } = await signIn();
    expect((await harness.call('/api/v1/clients', { secret: null, headers: { cookie } })).status).toBe(200);

    const create = { redirectUris: ['https://app.example.com/cb'], name: 'Made in the console' };
    const noToken = await harness.call('/api/v1/clients', {
      method: 'POST',
      secret: null,
      headers: { cookie },
      body: JSON.stringify(create),
    });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ code: 'FORBIDDEN', message: 'missing or wrong X-CSRF-Token for this console session' });

    const made = await harness.call('/api/v1/clients', {
      method: 'POST',
      secret: null,
      headers: { cookie, 'x-csrf-token': body.csrfToken },
      body: JSON.stringify(create),
    });
    expect(made.status).toBe(201);
    const id = ((await made.json()) as { client: { id: string } }).client.id;
    const audit = (await harness.json(`/api/v1/audit?targetId=${encodeURIComponent(id)}`)).body as { items: { actor: string }[] };
    expect(audit.items.map((event) => event.actor)).toEqual(['break-glass']);

    // The secret in Authorization (dexctl, scripts) still acts as the admin API.
    await harness.call(`/api/v1/clients/${encodeURIComponent(id)}`, { method: 'DELETE' });
    const after = (await harness.json(`/api/v1/audit?targetId=${encodeURIComponent(id)}`)).body as { items: { actor: string }[] };
    expect(after.items.map((event) => event.actor)).toEqual(['admin-api', 'break-glass']);
  });

  it('ends at sign-out', async () => {
    const { cookie, body } = await signIn();
    const out = await harness.call('/api/v1/session', {
      method: 'DELETE',
      secret: null,
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^dex_console_session=;/);
    expect((await harness.call('/api/v1/clients', { secret: null, headers: { cookie } })).status).toBe(401);
  });

  it('ends when idle too long, and at its absolute end however busy', async () => {
    const prisma = harness.overlord.db.prisma;
    const start = new Date();
    const idle = await createConsoleSession(prisma, { actor: 'ann@example.com', now: start });
    expect(await findConsoleSession(prisma, idle.id, { now: new Date(start.getTime() + CONSOLE_SESSION_IDLE_MS - 1_000) })).not.toBeNull();
    // Used just now (the idle clock restarted), so 30 min after the start it still lives...
    expect(await findConsoleSession(prisma, idle.id, { now: new Date(start.getTime() + CONSOLE_SESSION_IDLE_MS + 1_000) })).not.toBeNull();
    // ...but not 30 min after that use.
    const later = start.getTime() + 2 * CONSOLE_SESSION_IDLE_MS + 1_000;
    expect(await findConsoleSession(prisma, idle.id, { now: new Date(later) })).toBeNull();

    const busy = await createConsoleSession(prisma, { actor: 'ann@example.com', now: start });
    for (let t = start.getTime(); t < start.getTime() + CONSOLE_SESSION_MAX_MS; t += CONSOLE_SESSION_IDLE_MS / 2) {
      expect(await findConsoleSession(prisma, busy.id, { now: new Date(t) })).not.toBeNull();
    }
    expect(await findConsoleSession(prisma, busy.id, { now: new Date(start.getTime() + CONSOLE_SESSION_MAX_MS) })).toBeNull();
  });
});
