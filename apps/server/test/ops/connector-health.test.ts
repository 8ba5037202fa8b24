import { createServer } from 'node:net';
import { listProcesses } from '@dex/shared/domain/heartbeats';
import { testProviders } from '@dex/shared/testing';
import { UpstreamDiscovery } from '@dex/shared/upstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Slapd, startSlapd } from '../support/slapd.ts';
import { startUpstreamProvider, type UpstreamProvider } from '../support/upstream-provider.ts';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/** A port nothing listens on (taken and released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('an upstream that stops answering after it was discovered', () => {
  it('is reported failing by the health check, while logins keep the metadata they know', async () => {
    const upstream = await startUpstreamProvider({ clients: [], accounts: {} });
    const discovery = new UpstreamDiscovery({ issuerURL: upstream.issuer, clientID: 'dex', clientSecret: 'x', checkMaxAgeMs: 0 });
    try {
      await discovery.check();
      await discovery.get();
    } finally {
      await upstream.stop();
    }
    await expect(discovery.check()).rejects.toThrow(`discovery of ${upstream.issuer}/ failed: connection refused`);
    // The metadata found earlier is still used for logins (a refresh fails over to it).
    await expect(discovery.get()).resolves.toBeTruthy();
  });
});

describe.each(testProviders(process.env))('the worker heartbeat’s connector health (%s)', (provider) => {
  let stack: WorkerStack;
  let upstream: UpstreamProvider;
  let slapd: Slapd;

  beforeAll(async () => {
    [stack, upstream, slapd] = await Promise.all([
      startWorkerStack(provider),
      startUpstreamProvider({ clients: [], accounts: {} }),
      startSlapd({ suffix: 'dc=example,dc=org' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stack?.stop(), upstream?.stop(), slapd?.stop()]);
  });

  /** What the worker's heartbeat row says about its connectors, once `ready` accepts it. */
  const reported = async (ready: (health: Record<string, string>) => boolean): Promise<Record<string, string>> => {
    const deadline = Date.now() + 20_000;
    let last: Record<string, string> = {};
    while (Date.now() < deadline) {
      const { processes } = await listProcesses(stack.db.prisma);
      last = processes.find((process) => process.kind === 'worker')?.connectors ?? {};
      if (ready(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the heartbeat did not report as expected within 20 s; last: ${JSON.stringify(last)}`);
  };

  it('reports a new connector at the next beat: ok when its upstream answers, why not when it does not', async () => {
    const [deadOidc, deadLdap] = await Promise.all([closedPort(), closedPort()]);
    await stack.setConnectors([
      { type: 'local', id: 'local' },
      { type: 'oidc', id: 'upstream', issuerURL: upstream.issuer, clientID: 'dex', clientSecret: 'x' },
      { type: 'oidc', id: 'gone', issuerURL: `http://127.0.0.1:${deadOidc}`, clientID: 'dex', clientSecret: 'x' },
      { type: 'ldap', id: 'directory', host: slapd.host, baseDN: 'dc=example,dc=org' },
      { type: 'ldap', id: 'no-directory', host: `127.0.0.1:${deadLdap}`, baseDN: 'dc=example,dc=org' },
    ]);
    const health = await reported((h) => Object.keys(h).length === 5);
    expect(health).toEqual({
      local: 'ok',
      upstream: 'ok',
      gone: `discovery of http://127.0.0.1:${deadOidc}/ failed: connection refused`,
      directory: 'ok',
      'no-directory': `127.0.0.1:${deadLdap}: connection refused`,
    });

    // An LDAP server that goes away is noticed once the connector is checked again (here: its config changed).
    await slapd.kill();
    await stack.setConnectors([
      { type: 'local', id: 'local' },
      { type: 'ldap', id: 'directory', host: slapd.host, baseDN: 'dc=example,dc=org' },
    ]);
    // Removed connectors are no longer reported.
    const after = await reported((h) => Object.keys(h).length === 2 && h.directory !== 'ok');
    expect(after.local).toBe('ok');
    expect(after.directory).toBe(`${slapd.host}: connection refused`);
    await slapd.start();
  }, 60_000);
});
