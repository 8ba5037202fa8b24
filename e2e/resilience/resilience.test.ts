import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, startDeployment } from './deployment.ts';
import { loginThrough } from './https-client.ts';
import { type Figures, formatFigures, RefreshLoad } from './refresh-load.ts';

const CHAINS = 12;
const REDIRECT_URI = 'https://rp.example/callback';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The multi-worker deployment under faults (issue 16): nginx with deploy/nginx/dex.conf, two
 * workers, two overlords, PostgreSQL, and real refresh-token chains through nginx.
 */
describe('resilience: nginx, two workers, two overlords, PostgreSQL, refresh-token chains under faults', () => {
  let deployment: Deployment;
  let client: { id: string; secret: string };
  const password = 'resilience-password-1';
  const email = 'chains@example.com';

  beforeAll(async () => {
    deployment = await startDeployment({ overlordFlags: ['--leader-lease-ttl', '3s', '--key-publish-delay', '5s'] });
    const created = await deployment.admin(0, '/api/v1/clients', {
      method: 'POST',
      body: { redirectUris: [REDIRECT_URI], name: 'chains', trusted: true },
    });
    const body = created.body as { client: { id: string }; secret: string };
    client = { id: body.client.id, secret: body.secret };
    expect((await deployment.admin(0, '/api/v1/admin', { method: 'POST', body: { email, password } })).status).toBe(200);
    expect(
      (await deployment.admin(0, '/api/v1/connectors', { method: 'PUT', body: { connectors: [{ type: 'local', id: 'local' }] } })).status,
    ).toBe(200);
    // Workers see a connector change within a second.
    await sleep(1_500);
  });
  afterAll(async () => {
    await deployment?.stop();
  });

  /** Heads of fresh chains, each a login through nginx. */
  const heads = async (n: number) => {
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) {
      const login = await loginThrough(deployment.client, {
        issuerPath: deployment.issuerPath,
        clientId: client.id,
        clientSecret: client.secret,
        redirectUri: REDIRECT_URI,
        login: email,
        password,
      });
      tokens.push(login.refreshToken);
    }
    return tokens;
  };
  const load = async () => {
    const running = new RefreshLoad({
      client: deployment.client,
      issuerPath: deployment.issuerPath,
      clientId: client.id,
      clientSecret: client.secret,
      tokens: await heads(CHAINS),
    });
    running.start();
    await sleep(2_000);
    return running;
  };
  const report = (scenario: string, figures: Figures) => {
    process.stdout.write(`${formatFigures(scenario, figures)}\n`);
    expect(figures.tokensLost).toBe(0);
    expect(figures.chainsBroken).toBe(0);
    expect(figures.hangs).toBe(0);
    expect(figures.byOutcome['200'] ?? 0).toBeGreaterThan(CHAINS * 5);
  };

  it('(a) kill -9 of a worker under load, then its restart', async () => {
    const running = await load();
    const killedAt = Date.now();
    process.kill(-(deployment.workers[0]?.pid ?? 0), 'SIGKILL');
    running.fault({ name: 'kill -9 worker 0', from: killedAt, to: killedAt });
    // nginx sends every chain to the other worker.
    const recoveredAt = await running.settled(killedAt, 30_000);
    await sleep(2_000);
    await deployment.restartWorker(0);
    const restartedAt = Date.now();
    // nginx sends requests to the restarted worker again once its fail_timeout (10 s) is over.
    const served = async () => {
      const text = await (await fetch(`http://127.0.0.1:${deployment.workerPorts[0]}/dex/metrics`)).text();
      return /^dex_token_grants_total\{grant_type="refresh_token",outcome="ok"\} [1-9]/m.test(text);
    };
    let back = await served();
    for (let i = 0; i < 60 && !back; i++) {
      await sleep(250);
      back = await served();
    }
    const figures = await running.stop(recoveredAt);
    report('(a) kill -9 of a worker under load, and its restart', figures);
    process.stdout.write(`  the restarted worker served refreshes again after ${((Date.now() - restartedAt) / 1000).toFixed(1)} s\n`);
    expect(back).toBe(true);
  }, 120_000);

  it('(b) PostgreSQL stopped and started under load: 503 with Retry-After meanwhile, recovery without restarts', async () => {
    const pids = [...deployment.workers, ...deployment.overlords].map((service) => service.pid);
    const running = await load();
    const stoppedAt = Date.now();
    await deployment.pg.stop('fast');
    await sleep(5_000);
    const outageEnd = Date.now();
    await deployment.pg.start();
    const startedAt = Date.now();
    running.fault({ name: 'PostgreSQL down', from: stoppedAt, to: startedAt });
    const recoveredAt = await running.settled(startedAt, 30_000);
    const duringOutage = running.outcomesBetween(stoppedAt + 500, outageEnd);
    const figures = await running.stop(recoveredAt);
    report('(b) PostgreSQL stopped for 5 s under load', figures);
    process.stdout.write(`  during the outage: ${JSON.stringify(duringOutage)}\n`);
    expect(duringOutage['503'] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(duringOutage).filter((outcome) => outcome !== '503')).toEqual([]);
    expect(figures.bad503).toBe(0);
    // Nobody was restarted, and every process is healthy again.
    expect([...deployment.workers, ...deployment.overlords].map((service) => service.pid)).toEqual(pids);
    for (const port of deployment.workerPorts) expect((await fetch(`http://127.0.0.1:${port}/dex/health`)).status).toBe(200);
    for (const port of deployment.overlordPorts) expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  }, 120_000);

  it('(c) the leader overlord killed during a key rotation: the standby takes over, keys stay consistent', async () => {
    let leader = await deployment.leader();
    for (let i = 0; i < 50 && leader === -1; i++) {
      await sleep(200);
      leader = await deployment.leader();
    }
    expect(leader).not.toBe(-1);
    const standby = 1 - leader;
    const running = await load();
    const before = (await deployment.admin(standby, '/api/v1/keys')).body as { keys: { kid: string; state: string }[] };
    const rotation = deployment.admin(leader, '/api/v1/keys/rotate', { method: 'POST', body: { mode: 'publish-first' } }).catch(() => null);
    await sleep(15);
    const killedAt = Date.now();
    process.kill(-(deployment.overlords[leader]?.pid ?? 0), 'SIGKILL');
    running.fault({ name: 'kill -9 leader overlord', from: killedAt, to: killedAt });
    await rotation;
    const recoveredAt = await running.settled(killedAt, 30_000);
    let newLeader = -1;
    for (let i = 0; i < 50 && newLeader !== standby; i++) {
      await sleep(200);
      newLeader = await deployment.leader();
    }
    const tookOverSeconds = (Date.now() - killedAt) / 1000;
    expect(newLeader).toBe(standby);
    // Another rotation through the new leader, then past the publish delay: the new key signs.
    const rotated = await deployment.admin(standby, '/api/v1/keys/rotate', { method: 'POST', body: { mode: 'publish-first' } });
    expect(rotated.status).toBe(200);
    const nextKid = (rotated.body as { kid: string }).kid;
    await sleep(7_000);
    const figures = await running.stop(recoveredAt);
    report('(c) the leader overlord killed during a key rotation', figures);

    const after = (await deployment.admin(standby, '/api/v1/keys')).body as { keys: { kid: string; state: string }[] };
    process.stdout.write(
      `  standby took over after ${tookOverSeconds.toFixed(1)} s; keys before ${JSON.stringify(before.keys.map((k) => `${k.kid.slice(0, 8)}:${k.state}`))}, after ${JSON.stringify(after.keys.map((k) => `${k.kid.slice(0, 8)}:${k.state}`))}\n`,
    );
    expect(after.keys.filter((key) => key.state === 'active').map((key) => key.kid)).toEqual([nextKid]);
    // Both workers publish the same keys, and every ID token issued during the scenario verifies.
    const jwks = await Promise.all(deployment.workerPorts.map(async (port) => (await fetch(`http://127.0.0.1:${port}/dex/keys`)).json()));
    expect(jwks[1]).toEqual(jwks[0]);
    const keySet = createLocalJWKSet(jwks[0] as { keys: [] });
    for (const idToken of figures.idTokens) await jwtVerify(idToken, keySet, { issuer: deployment.issuer, audience: client.id });
    expect(decodeProtectedHeader(figures.idTokens.at(-1) ?? '').kid).toBe(nextKid);
    await deployment.restartOverlord(leader);
  }, 150_000);
});
