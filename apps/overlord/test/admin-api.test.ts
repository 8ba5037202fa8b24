import { createLogger } from '@dex/shared/logging';
import { createTestDatabase, type TestDatabase, testProviders, testSecrets } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningOverlord, startOverlord } from '../src/main.ts';

describe.each(testProviders(process.env))('admin API (%s)', (provider) => {
  let database: TestDatabase;
  let overlord: RunningOverlord;
  let base: string;
  const secrets = testSecrets();

  beforeAll(async () => {
    database = await createTestDatabase(provider, { pgUrl: process.env.DEX_TEST_PG_URL, migrate: false });
    overlord = await startOverlord(
      {
        dbUrl: database.url,
        keySecrets: [secrets.keySecret],
        dbMigrate: true,
        keyPeriodMs: 86_400_000,
        gcIntervalMs: 3_600_000,
        adminListen: new URL('http://127.0.0.1:0'),
        adminApiSecret: secrets.adminApiSecret,
        localConnectorId: 'local',
        logDebug: false,
      },
      { logger: createLogger({ name: 'dex-overlord', silent: true }) },
    );
    base = overlord.adminUrl.origin;
  });
  afterAll(async () => {
    await overlord?.stop();
    await database?.drop();
  });

  const call = (path: string, init: RequestInit & { secret?: string | null } = {}) => {
    const { secret, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (secret !== null) headers.set('authorization', secret ?? secrets.adminApiSecret);
    if (rest.body !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${base}${path}`, { ...rest, headers });
  };

  it('reports health without a secret', async () => {
    const response = await call('/health', { secret: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: provider });
  });

  it('serves Prometheus metrics behind the secret: its jobs, keys and leadership, and the process and Node.js metrics', async () => {
    expect((await call('/metrics', { secret: null })).status).toBe(401);
    // The first runs of the jobs happen right after the start: wait for the rotation's (10 s at most).
    let response = await call('/metrics');
    let text = await response.text();
    for (let i = 0; i < 100 && !/^dex_overlord_job_runs_total\{job="rotate-signing-keys"/m.test(text); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await call('/metrics');
      text = await response.text();
    }
    // The only overlord leads and has run its key rotation (the keys themselves were made at start).
    expect(text).toMatch(/^dex_overlord_leader 1$/m);
    expect(text).toMatch(/^dex_overlord_job_runs_total\{job="rotate-signing-keys",outcome="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(/^dex_signing_keys_created_total \d+$/m);
    expect(text).toMatch(/^# TYPE dex_gc_deleted_total counter$/m);
    for (const name of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(text).toMatch(new RegExp(`^${name} \\d`, 'm'));
    }
  });

  it('refuses requests without the secret or with a wrong one (401 {code, message})', async () => {
    for (const secret of [null, 'wrong', `Bearer ${secrets.adminApiSecret.slice(1)}`]) {
      const response = await call('/api/v1/state', { secret });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: 'UNAUTHORIZED', message: 'missing or wrong admin API secret' });
    }
  });

  it('creates the first admin (raw or Bearer secret), hashes the password and never returns it', async () => {
    expect(await (await call('/api/v1/state')).json()).toMatchObject({ AdminUserCreated: false });
    const response = await call('/api/v1/admin', {
      method: 'POST',
      secret: `Bearer ${secrets.adminApiSecret}`,
      body: JSON.stringify({ email: 'Admin@Example.com', password: 'hunter2-hunter2' }),
    });
    expect(response.status).toBe(200);
    const admin = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(admin).sort()).toEqual(['email', 'id']);
    expect(admin.email).toBe('admin@example.com');
    expect(response.headers.get('location')).toBe(`/api/v1/admin/${admin.id}`);

    const stored = await overlord.db.prisma.passwordCredential.findUnique({ where: { userId: String(admin.id) } });
    expect(stored?.passwordHash).toMatch(/^\$scrypt\$/);
    expect(stored?.passwordHash).not.toContain('hunter2');
    const identity = await overlord.db.prisma.remoteIdentity.findFirst({ where: { userId: String(admin.id) } });
    expect(identity).toMatchObject({ connectorId: 'local', remoteId: admin.id });

    const fetched = await call(`/api/v1/admin/${admin.id}`);
    expect(await fetched.json()).toEqual({ id: admin.id, email: 'admin@example.com' });
    expect(await (await call('/api/v1/state')).json()).toMatchObject({ AdminUserCreated: true });
    const audit = await overlord.db.prisma.auditEvent.findMany({ where: { targetId: String(admin.id) } });
    expect(audit.map((e) => e.action)).toEqual(['admin.create']);
    expect(audit[0]?.after).not.toContain('hunter2');
  });

  it('answers 409 for an email already in use, case-insensitively', async () => {
    const body = JSON.stringify({ email: 'dup@example.com', password: 'password-1' });
    expect((await call('/api/v1/admin', { method: 'POST', body })).status).toBe(200);
    const again = await call('/api/v1/admin', {
      method: 'POST',
      body: JSON.stringify({ email: 'DUP@example.com', password: 'password-2' }),
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ code: 'CONFLICT', message: 'email already in use' });
  });

  it('answers 400 with a reason for bad bodies', async () => {
    const cases: [string, string][] = [
      ['{"password":"password-1"}', 'email is required'],
      ['{"email":"not-an-email","password":"password-1"}', 'invalid email address'],
      ['{"email":"short@example.com","password":"abc"}', 'password must be at least 6 characters'],
      ['{"email":', 'malformed JSON body'],
    ];
    for (const [body, message] of cases) {
      const response = await call('/api/v1/admin', { method: 'POST', body });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ code: 'BAD_REQUEST', message });
    }
  });

  it('refuses a NUL byte or a lone surrogate in a path id, the query or the body with 400, before any store sees it', async () => {
    const message = 'the request contains a character that is not allowed (NUL or an unpaired surrogate)';
    const requests: [string, RequestInit][] = [
      ['/api/v1/admin/a%00b', {}],
      ['/api/v1/clients/%00', {}],
      ['/api/v1/clients/x%00/rotate-secret', { method: 'POST' }],
      ['/api/v1/users?email=a%00b', {}],
      ['/api/v1/admin', { method: 'POST', body: '{"email":"a\\u0000@example.com","password":"password-1"}' }],
      ['/api/v1/clients', { method: 'POST', body: '{"redirectUris":["https://app.example/cb"],"name":"\\ud800"}' }],
    ];
    for (const [path, init] of requests) {
      const response = await call(path, init);
      expect(response.status, path).toBe(400);
      expect(await response.json()).toEqual({ code: 'BAD_REQUEST', message });
    }
  });

  it('answers 404 for an unknown admin and an unknown route', async () => {
    const missing = await call('/api/v1/admin/does-not-exist');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'NOT_FOUND', message: 'admin user not found' });
    expect((await call('/api/v1/nothing')).status).toBe(404);
  });
});
