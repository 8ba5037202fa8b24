import { connect, type Socket } from 'node:net';
import { createTestDatabase, freePort, type Service, startDexProcess, type TestDatabase, testSecrets } from '@dex/shared/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** A raw connection that records what the server sends and when it closes it. */
function open(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    const closed = new Promise<number>((done) => socket.on('close', () => done(performance.now())));
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks).toString('utf8'), closed }));
    socket.once('error', reject);
  });
}

const until = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
};

describe('SIGTERM drains the worker within --shutdown-timeout', () => {
  let database: TestDatabase;
  let worker: Service | undefined;
  const secrets = testSecrets();
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await worker?.stop();
  });
  afterAll(async () => {
    await database?.drop();
  });

  const start = async (shutdownTimeout: string) => {
    const port = await freePort();
    worker = await startDexProcess(
      'worker',
      [
        ...['--db-url', database.url, '--key-secrets', secrets.keySecretText, '--listen', `http://127.0.0.1:${port}`],
        ...['--issuer', `http://127.0.0.1:${port}/dex`, '--shutdown-timeout', shutdownTimeout],
      ],
      'worker listening',
    );
    return port;
  };

  it('answers the request in flight, closes idle keep-alive connections, refuses new ones and exits 0 at once', async () => {
    const port = await start('10s');
    const service = worker as Service;
    const idle = await open(port);
    idle.socket.write('GET /dex/.well-known/openid-configuration HTTP/1.1\r\nHost: dex\r\n\r\n');
    expect(await until(() => idle.received().includes('"issuer"'), 5_000)).toBe(true);
    const body = 'grant_type=client_credentials';
    const slow = await open(port);
    slow.socket.write(
      `POST /dex/token HTTP/1.1\r\nHost: dex\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalled = performance.now();
    process.kill(service.pid, 'SIGTERM');
    await service.waitForLog('draining');
    expect(await Promise.race([idle.closed.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 1_000))])).toBe(
      true,
    );
    await expect(fetch(`http://127.0.0.1:${port}/dex/health`)).rejects.toThrow();

    slow.socket.write(body.slice(10));
    await slow.closed;
    const answer = slow.received();
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"error":"invalid_client"');
    expect(await service.waitForExit()).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(5_000);
    expect(service.output()).toContain('"msg":"stopped"');
  });

  it('cuts a request that has not finished by the deadline, then exits 0', async () => {
    const port = await start('1s');
    const service = worker as Service;
    const stuck = await open(port);
    stuck.socket.write(
      'POST /dex/token HTTP/1.1\r\nHost: dex\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signalled = performance.now();
    process.kill(service.pid, 'SIGTERM');
    expect(await service.waitForExit()).toBe(0);
    const took = performance.now() - signalled;
    expect(took).toBeGreaterThan(900);
    expect(took).toBeLessThan(3_000);
    await stuck.closed;
  });
});
