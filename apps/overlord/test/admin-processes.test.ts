import { setTimeout as delay } from 'node:timers/promises';
import { type TProcessList, ZProcessList } from '@dex/shared/admin-api';
import { setConnectorConfigs } from '@dex/shared/domain/connectors';
import { writeHeartbeat } from '@dex/shared/domain/heartbeats';
import { freePort, type Service, startDexProcess, testProviders } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

describe.each(testProviders(process.env))('GET /api/v1/processes: the live processes (%s)', (provider) => {
  let harness: AdminHarness;
  const workers: Service[] = [];
  const issuers: string[] = [];

  const list = async (): Promise<TProcessList> => {
    const { status, body } = await harness.json('/api/v1/processes');
    expect(status).toBe(200);
    return ZProcessList.parse(body);
  };

  beforeAll(async () => {
    harness = await startAdminHarness(provider);
    await setConnectorConfigs(harness.overlord.db.prisma, [
      { type: 'local', id: 'local' },
      // An upstream that is not there: the workers report it, the overview shows them degraded.
      { type: 'oidc', id: 'gone', issuerURL: `http://127.0.0.1:${await freePort()}/gone`, clientID: 'c', clientSecret: 's' },
    ]);
    const dbUrl = harness.dbUrl;
    // The two workers start side by side: neither waits on the other.
    const ports = [await freePort(), await freePort()];
    issuers.push(...ports.map((port) => `http://127.0.0.1:${port}/dex`));
    const started = await Promise.allSettled(
      ports.map((port, i) =>
        startDexProcess(
          'worker',
          ['--db-url', dbUrl, '--key-secrets', harness.keySecretText, '--listen', `http://127.0.0.1:${port}`, '--issuer', issuers[i] ?? ''],
          'worker listening',
        ),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') workers.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }, 90_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await harness?.stop();
  });

  it('shows both workers and the overlord with the key each signs with and their connectors', async () => {
    const body = await list();
    const keys = (await harness.json('/api/v1/keys')).body as { keys: { kid: string; state: string }[] };
    const active = keys.keys.find((key) => key.state === 'active')?.kid;
    expect(active).toBeDefined();

    const shownWorkers = body.processes.filter((p) => p.kind === 'worker');
    expect(shownWorkers.map((p) => p.address).sort()).toEqual([...issuers].sort());
    for (const worker of shownWorkers) {
      expect(worker.signingKeyId).toBe(active);
      expect(worker.publishedKeyIds).toContain(active);
      expect(worker.connectors.local).toBe('ok');
      expect(worker.connectors.gone).not.toBe('ok');
      expect(worker.state).toBe('degraded');
      expect(worker.silentForSeconds).toBeLessThan(10);
    }
    const overlords = body.processes.filter((p) => p.kind === 'overlord');
    expect(overlords).toHaveLength(1);
    expect(overlords[0]?.address).toBe(harness.overlord.adminUrl.origin);
    expect(overlords[0]?.state).toBe('healthy');
    expect(body.signingKeyIds).toEqual([active]);
    expect(body.keysAgree).toBe(true);
    expect(body.heartbeatSeconds).toBe(5);
  });

  it('raises a worker that signs with another key, and shows a process gone quiet as silent for N s', async () => {
    const beat = { kind: 'worker' as const, version: '0.0.1', publishedKeyIds: ['other'], connectorHealth: {} };
    await writeHeartbeat(harness.overlord.db.prisma, {
      ...beat,
      id: 'worker-elsewhere',
      address: 'http://10.0.0.9:5556/dex',
      startedAt: new Date(),
      signingKeyId: 'other',
    });
    await writeHeartbeat(harness.overlord.db.prisma, {
      ...beat,
      id: 'worker-quiet',
      address: 'http://10.0.0.8:5556/dex',
      startedAt: new Date(Date.now() - 600_000),
      signingKeyId: 'older',
      now: new Date(Date.now() - 95_000),
    });
    const body = await list();
    expect(body.keysAgree).toBe(false);
    expect(body.signingKeyIds).toContain('other');
    // A silent process says nothing about what is signed now.
    expect(body.signingKeyIds).not.toContain('older');
    const quiet = body.processes.find((p) => p.id === 'worker-quiet');
    expect(quiet?.state).toBe('silent');
    expect(quiet?.silentForSeconds).toBeGreaterThanOrEqual(95);
    expect(quiet?.silentForSeconds).toBeLessThan(110);
    await harness.overlord.db.prisma.processHeartbeat.deleteMany({ where: { id: { in: ['worker-elsewhere', 'worker-quiet'] } } });
  });

  it('keeps the heartbeat fresh and removes the row of a worker that stops cleanly', async () => {
    const before = (await list()).processes.filter((p) => p.kind === 'worker');
    const beatSince = (now: TProcessList['processes']) =>
      now
        .filter((p) => p.kind === 'worker')
        .every((worker) => {
          const earlier = before.find((p) => p.id === worker.id);
          return Date.parse(worker.lastSeenAt) > Date.parse(earlier?.lastSeenAt ?? '0');
        });
    // Polled rather than slept: each worker beats every 5 s, so this is over within one interval.
    const deadline = Date.now() + 15_000;
    let after = (await list()).processes;
    while (!beatSince(after) && Date.now() < deadline) {
      await delay(250);
      after = (await list()).processes;
    }
    for (const worker of after.filter((p) => p.kind === 'worker')) {
      const earlier = before.find((p) => p.id === worker.id);
      expect(Date.parse(worker.lastSeenAt)).toBeGreaterThan(Date.parse(earlier?.lastSeenAt ?? '0'));
    }
    const stopped = workers.pop();
    await stopped?.stop();
    const remaining = (await list()).processes.filter((p) => p.kind === 'worker');
    expect(remaining.map((p) => p.address)).toEqual([issuers[0]]);
  }, 30_000);

  it('needs the admin secret', async () => {
    const response = await harness.call('/api/v1/processes', { secret: null });
    expect(response.status).toBe(401);
  });
});
