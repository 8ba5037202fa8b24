import { testSecrets, trickle } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkerConfig } from '../../src/env.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** The body of a JSON answer at the end of a raw HTTP exchange. */
const jsonBody = (text: string): unknown => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

describe('slow clients are cut after a bounded time', () => {
  let stack: WorkerStack;
  let port: number;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite', {
      timeouts: { headerTimeoutMs: 1_000, requestTimeoutMs: 2_000, shutdownTimeoutMs: 10_000 },
    });
    port = Number(stack.worker.url.port);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('defaults: 10 s for the headers, 30 s for the whole request, 10 s to drain', () => {
    const { keySecretText } = testSecrets();
    const invocation = readWorkerConfig(['--db-url', 'file:/tmp/x.db', '--key-secrets', keySecretText], {});
    expect(invocation.kind === 'run' && invocation.config.timeouts).toEqual({
      headerTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      shutdownTimeoutMs: 10_000,
    });
  });

  it('headers that trickle in are answered 408 JSON after --header-timeout and the connection closed', async () => {
    const exchange = await trickle({
      port,
      head: 'POST /dex/token HTTP/1.1\r\nHost: dex\r\nX-Slow: ',
      drip: 'a'.repeat(200),
      gapMs: 50,
      timeoutMs: 5_000,
    });
    expect(exchange.closed).toBe(true);
    expect(exchange.status).toBe(408);
    expect(jsonBody(exchange.text)).toEqual({ error: 'invalid_request', error_description: 'the request took too long' });
    expect(exchange.ms).toBeGreaterThan(900);
    expect(exchange.ms).toBeLessThan(2_500);
  });

  it('a body that trickles in is answered 408 by the route after the request timeout less the header timeout', async () => {
    const exchange = await trickle({
      port,
      head: 'POST /dex/token HTTP/1.1\r\nHost: dex\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 200\r\n\r\n',
      drip: 'g'.repeat(200),
      gapMs: 50,
      timeoutMs: 5_000,
    });
    expect(exchange.closed).toBe(true);
    expect(exchange.status).toBe(408);
    expect(exchange.text).toMatch(/\r\nconnection: close\r\n/i);
    expect(exchange.text).toMatch(/\r\ncache-control: no-store\r\n/i);
    expect(jsonBody(exchange.text)).toEqual({ error: 'invalid_request', error_description: 'the request body took too long' });
    expect(exchange.ms).toBeGreaterThan(900);
    expect(exchange.ms).toBeLessThan(2_500);
  });

  it('a body that stops half-way on a page route gets the 408 error page', async () => {
    const exchange = await trickle({
      port,
      head: 'POST /dex/auth HTTP/1.1\r\nHost: dex\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nclient_id=',
      timeoutMs: 5_000,
    });
    expect(exchange.closed).toBe(true);
    expect(exchange.status).toBe(408);
    expect(exchange.text).toMatch(/content-type: text\/html/i);
    expect(exchange.text).toContain('Request timeout');
    expect(exchange.ms).toBeLessThan(2_500);
  });

  it('a prompt client on the same worker is not held up', async () => {
    const slow = trickle({ port, head: 'GET /dex/keys HTTP/1.1\r\nHost: dex\r\n', drip: 'X'.repeat(100), gapMs: 50, timeoutMs: 5_000 });
    const response = await fetch(`${stack.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect((await slow).status).toBe(408);
  });
});
