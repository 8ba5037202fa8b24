import { PassThrough } from 'node:stream';
import { createLogger } from '@dex/shared/logging';
import { type PgCluster, startPgCluster } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

describe('/health while PostgreSQL is down: a fixed message for anyone, the detail for the log', () => {
  let cluster: PgCluster;
  let harness: AdminHarness;
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (chunk: Buffer) => {
    logText += chunk.toString('utf8');
  });

  beforeAll(async () => {
    cluster = await startPgCluster();
    harness = await startAdminHarness('postgresql', {
      pgUrl: cluster.url(),
      logger: createLogger({ name: 'dex-overlord', destination: logs }),
    });
    await cluster.stop('fast');
  });
  afterAll(async () => {
    // Back up first, so the overlord shuts down as it would in production.
    await cluster?.start().catch(() => undefined);
    await harness?.stop();
    await cluster?.destroy();
  });

  it('answers 503 {status: "error"} with a generic message, without the driver’s error text, address or port', async () => {
    const response = await harness.call('/health', { secret: null });
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: 'error', database: 'postgresql', message: 'the database is unavailable' });
    expect(text).not.toContain(String(cluster.port));
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toMatch(/ECONNREFUSED|connect|terminat/i);
  });

  it('logs why the database check failed, for the operator', async () => {
    await harness.call('/health', { secret: null });
    // pino writes asynchronously: give the line a moment to arrive.
    const deadline = Date.now() + 2_000;
    while (!logText.includes('health check: the database')) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const line = logText.split('\n').find((entry) => entry.includes('health check: the database'));
    expect(line, 'a log line for the failed check').toBeDefined();
    const entry = JSON.parse(line ?? '{}') as { level: number; err?: { message?: string } };
    expect(entry.level).toBeGreaterThanOrEqual(40);
    expect(entry.err?.message ?? '').not.toBe('');
  });
});
