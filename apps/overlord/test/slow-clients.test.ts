import { trickle } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const jsonBody = (text: string): unknown => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

describe('the admin API cuts slow clients after a bounded time', () => {
  let harness: AdminHarness;
  let port: number;
  beforeAll(async () => {
    harness = await startAdminHarness('sqlite', {
      timeouts: { headerTimeoutMs: 1_000, requestTimeoutMs: 2_000, shutdownTimeoutMs: 10_000 },
    });
    port = Number(harness.overlord.adminUrl.port);
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('headers that trickle in are answered 408 {code, message} after --header-timeout', async () => {
    const exchange = await trickle({
      port,
      head: 'GET /health HTTP/1.1\r\nHost: a\r\nX-Slow: ',
      drip: 'a'.repeat(200),
      gapMs: 50,
      timeoutMs: 5_000,
    });
    expect(exchange.closed).toBe(true);
    expect(exchange.status).toBe(408);
    expect(jsonBody(exchange.text)).toEqual({ code: 'BAD_REQUEST', message: 'the request took too long' });
    expect(exchange.ms).toBeGreaterThan(900);
    expect(exchange.ms).toBeLessThan(2_500);
  });

  it('a JSON body that stops half-way is cut at --request-timeout', async () => {
    const exchange = await trickle({
      port,
      head: `POST /api/v1/clients HTTP/1.1\r\nHost: a\r\nAuthorization: ${harness.secret}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"redirectUris":`,
      timeoutMs: 5_000,
    });
    expect(exchange.closed).toBe(true);
    expect(exchange.status).toBe(408);
    expect(jsonBody(exchange.text)).toEqual({ code: 'BAD_REQUEST', message: 'the request took too long' });
    expect(exchange.ms).toBeGreaterThan(1_900);
    expect(exchange.ms).toBeLessThan(3_500);
  });
});
