import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

describe("--metrics-listen: /metrics on its own address, like dex v2's telemetry port", () => {
  let stack: WorkerStack;
  let metricsUrl: string;
  beforeAll(async () => {
    stack = await startWorkerStack('sqlite', { metricsListen: new URL('http://127.0.0.1:0') });
    metricsUrl = stack.worker.metricsUrl?.origin ?? '';
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('serves /metrics and /health at the root of the metrics address', async () => {
    await fetch(`${stack.issuer}/.well-known/openid-configuration`);
    const metrics = await fetch(`${metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toMatch(
      /^dex_http_requests_total\{method="GET",route="\/dex\/.well-known\/openid-configuration",status="200"\} 1$/m,
    );
    const health = await fetch(`${metricsUrl}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
  });

  it('no longer serves <issuer>/metrics on the public address; <issuer>/health stays', async () => {
    expect((await fetch(`${stack.issuer}/metrics`)).status).toBe(404);
    expect((await fetch(`${stack.issuer}/health`)).status).toBe(200);
  });

  it('serves nothing else there', async () => {
    expect((await fetch(`${metricsUrl}/dex/token`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${metricsUrl}/dex/metrics`)).status).toBe(404);
  });
});
