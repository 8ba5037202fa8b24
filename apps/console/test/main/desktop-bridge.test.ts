import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminClient } from '#shared/admin-client.ts';
import { createConnectionManager } from '#main/connection/connection-manager.ts';
import { createDesktopBridge } from '#main/connection/create-desktop-bridge.ts';
import { createProfileStore, PROFILES_FILE_NAME } from '#main/profiles/profile-store.ts';
import { createAesGcmCipher } from './support/aes-gcm-cipher.ts';

const SECRET = 'b3ZlcmxvcmQtYWRtaW4tc2VjcmV0';

/** A stand-in overlord admin API: /api/v1/state and /api/v1/keys behind the secret. */
let server: Server;
let baseUrl: string;
const seenHeaders: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seenHeaders.push(request.headers);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== SECRET) return send(401, { code: 'UNAUTHORIZED', message: 'invalid admin API secret' });
    if (request.url === '/api/v1/state')
      return send(200, { AdminUserCreated: true, clients: 3, users: 2, connectors: 1, database: 'postgresql' });
    if (request.url === '/api/v1/keys')
      return send(200, { keys: [], nextRotationAt: null, keyPeriodSeconds: 3600, publishDelaySeconds: 300 });
    return send(404, { code: 'NOT_FOUND', message: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'dex-console-bridge-'));
  seenHeaders.length = 0;
  return () => rm(directory, { recursive: true, force: true });
});

function setup() {
  const profiles = createProfileStore({ filePath: join(directory, PROFILES_FILE_NAME), cipher: createAesGcmCipher() });
  const connections = createConnectionManager({ profiles, createAdmin: createAdminClient });
  return { profiles, connections, bridge: createDesktopBridge({ profiles, connections }) };
}

describe('desktop bridge (main process)', () => {
  it('answers "not connected" before a connection, then calls the overlord with the saved secret', async () => {
    const { bridge } = setup();
    expect(await bridge.keys.list()).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'not connected: choose a profile and connect first' },
    });
    expect(await bridge.connection.current()).toEqual({ ok: true, data: null });

    const saved = await bridge.profiles.save({ name: 'production', baseUrl, secret: SECRET });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(saved.data).not.toHaveProperty('secret');

    const connected = await bridge.connection.connect({ profileId: saved.data.id });
    expect(connected).toEqual({
      ok: true,
      data: { profile: saved.data, state: { AdminUserCreated: true, clients: 3, users: 2, connectors: 1, database: 'postgresql' } },
    });
    expect(await bridge.keys.list()).toEqual({
      ok: true,
      data: { keys: [], nextRotationAt: null, keyPeriodSeconds: 3600, publishDelaySeconds: 300 },
    });
    expect(seenHeaders.map((headers) => headers.authorization)).toEqual([SECRET, SECRET]);
    expect(JSON.stringify(await bridge.profiles.list())).not.toContain(SECRET);
    expect(JSON.stringify(await bridge.connection.current())).not.toContain(SECRET);
  });

  it('reports a refused secret and keeps the previous connection', async () => {
    const { bridge } = setup();
    const good = await bridge.profiles.save({ name: 'production', baseUrl, secret: SECRET });
    const wrong = await bridge.profiles.save({ name: 'staging', baseUrl, secret: 'd3Jvbmc=' });
    if (!good.ok || !wrong.ok) throw new Error('save failed');
    await bridge.connection.connect({ profileId: good.data.id });

    const refused = await bridge.connection.connect({ profileId: wrong.data.id });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: `the admin API at ${baseUrl} refused the admin secret (invalid admin API secret)` },
    });
    expect(await bridge.connection.current()).toMatchObject({ ok: true, data: { profile: { name: 'production' } } });
  });

  it('reports an unreachable overlord clearly', async () => {
    const { bridge } = setup();
    const saved = await bridge.profiles.save({ name: 'gone', baseUrl: 'http://127.0.0.1:9', secret: SECRET });
    if (!saved.ok) throw new Error(saved.error.message);
    const answer = await bridge.connection.connect({ profileId: saved.data.id });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('cannot reach the admin API at http://127.0.0.1:9') },
    });
  });

  it('ends the connection when its profile moves, gets a new secret or is removed, not when it is renamed', async () => {
    const { bridge } = setup();
    const saved = await bridge.profiles.save({ name: 'production', baseUrl, secret: SECRET });
    if (!saved.ok) throw new Error(saved.error.message);
    const id = saved.data.id;

    await bridge.connection.connect({ profileId: id });
    await bridge.profiles.save({ id, name: 'prod', baseUrl });
    expect(await bridge.connection.current()).toMatchObject({ ok: true, data: { profile: { id, name: 'prod' } } });

    await bridge.profiles.save({ id, name: 'prod', baseUrl, secret: SECRET });
    expect(await bridge.connection.current()).toEqual({ ok: true, data: null });

    await bridge.connection.connect({ profileId: id });
    await bridge.profiles.remove(id);
    expect(await bridge.connection.current()).toEqual({ ok: true, data: null });
    expect(await bridge.keys.list()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('disconnects on request', async () => {
    const { bridge } = setup();
    const saved = await bridge.profiles.save({ name: 'production', baseUrl, secret: SECRET });
    if (!saved.ok) throw new Error(saved.error.message);
    await bridge.connection.connect({ profileId: saved.data.id });
    expect(await bridge.connection.disconnect()).toEqual({ ok: true, data: undefined });
    expect(await bridge.connection.current()).toEqual({ ok: true, data: null });
  });
});
