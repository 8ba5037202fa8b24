import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type PgCluster, REPO_ROOT, type Service, startDexProcess, startPgCluster, testSecrets } from '@dex/shared/testing';
import { HttpsClient } from './https-client.ts';

/**
 * The deployment the resilience suite puts under faults, as docs/operations.md describes it:
 * nginx with deploy/nginx/dex.conf in front of two workers, two overlords (a leader and a
 * standby), all on a PostgreSQL cluster the suite creates and owns.
 */
export interface Deployment {
  readonly pg: PgCluster;
  /** `https://127.0.0.1:<port>/dex`: nginx's TLS address. */
  readonly issuer: string;
  readonly issuerPath: string;
  readonly client: HttpsClient;
  readonly adminSecret: string;
  workers: Service[];
  readonly workerPorts: readonly number[];
  overlords: Service[];
  readonly overlordPorts: readonly number[];
  /** Starts worker `n` (0 or 1) again on its port, after a kill. */
  restartWorker(n: number): Promise<void>;
  restartOverlord(n: number): Promise<void>;
  /** The admin API of overlord `n`. */
  admin(n: number, path: string, init?: { method?: string; body?: unknown }): Promise<{ status: number; body: unknown }>;
  /** Which overlord holds the job lease (from its /metrics), or -1. */
  leader(): Promise<number>;
  stop(): Promise<void>;
}

/** Replaces each `from` of `pairs` in the text, failing loudly if one is not there (the file changed). */
function render(text: string, pairs: readonly [string, string][]): string {
  let out = text;
  for (const [from, to] of pairs) {
    if (!out.includes(from)) throw new Error(`deploy/nginx/dex.conf no longer contains "${from}": update the resilience harness`);
    out = out.replaceAll(from, to);
  }
  return out;
}

async function startNginx(work: string, ports: { tls: number; http: number; workers: readonly number[] }): Promise<ChildProcess> {
  const dir = join(work, 'nginx');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const conf = render(readFileSync(join(REPO_ROOT, 'deploy/nginx/dex.conf'), 'utf8'), [
    ['listen 80;', `listen 127.0.0.1:${ports.http};`],
    ['listen [::]:80;', ''],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${ports.tls} ssl http2;`],
    ['listen [::]:443 ssl http2;', ''],
    ['/etc/dex/tls/', `${work}/tls/`],
    ['/var/log/nginx/', `${dir}/`],
    ['server 127.0.0.1:5556 ', `server 127.0.0.1:${ports.workers[0]} `],
    ['server 127.0.0.1:5558 ', `server 127.0.0.1:${ports.workers[1]} `],
  ]);
  writeFileSync(join(dir, 'dex.conf'), conf);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path ${dir}/tmp/client_body;
    proxy_temp_path ${dir}/tmp/proxy;
    fastcgi_temp_path ${dir}/tmp/fastcgi;
    uwsgi_temp_path ${dir}/tmp/uwsgi;
    scgi_temp_path ${dir}/tmp/scgi;
    include ${dir}/dex.conf;
}
`,
  );
  const nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${ports.tls}`], { stdio: 'ignore' });
      return nginx;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`nginx did not listen: ${readFileSync(join(dir, 'error.log'), 'utf8')}`);
}

/** Starts the whole deployment; `overlordFlags` adds to both overlords' flags. */
export async function startDeployment(options: { overlordFlags: readonly string[] }): Promise<Deployment> {
  const work = mkdtempSync(join(tmpdir(), 'dex-resilience-'));
  mkdirSync(join(work, 'tls'));
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'],
      ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      ...['-keyout', join(work, 'tls/privkey.pem'), '-out', join(work, 'tls/fullchain.pem')],
    ],
    { stdio: 'ignore' },
  );
  const pg = await startPgCluster();
  const admin = new (await import('pg')).default.Client({ connectionString: pg.url() });
  await admin.connect();
  await admin.query('CREATE DATABASE dex');
  await admin.end();
  const secrets = testSecrets();
  const [tls, http, w0, w1, o0, o1] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const workerPorts = [w0, w1] as number[];
  const overlordPorts = [o0, o1] as number[];
  const issuerPath = '/dex';
  const issuer = `https://127.0.0.1:${tls}${issuerPath}`;
  const common = ['--db-url', pg.url('dex'), '--key-secrets', secrets.keySecretText];
  const overlordArgs = (n: number) => [
    ...common,
    ...['--admin-api-secret', secrets.adminApiSecret, '--admin-listen', `http://127.0.0.1:${overlordPorts[n]}`, '--disable-console'],
    ...options.overlordFlags,
  ];
  const workerArgs = (n: number) => [...common, '--issuer', issuer, '--listen', `http://127.0.0.1:${workerPorts[n]}`];
  // The first overlord migrates and makes the first key; the rest start together.
  const overlords = [await startDexProcess('overlord', overlordArgs(0), 'admin API listening')];
  const [standby, ...workers] = await Promise.all([
    startDexProcess('overlord', overlordArgs(1), 'admin API listening'),
    startDexProcess('worker', workerArgs(0), 'worker listening'),
    startDexProcess('worker', workerArgs(1), 'worker listening'),
  ]);
  overlords.push(standby as Service);
  const nginx = await startNginx(work, { tls, http, workers: workerPorts });
  const client = new HttpsClient({ origin: `https://127.0.0.1:${tls}`, ca: readFileSync(join(work, 'tls/fullchain.pem'), 'utf8') });
  const deployment: Deployment = {
    pg,
    issuer,
    issuerPath,
    client,
    adminSecret: secrets.adminApiSecret,
    workers,
    workerPorts,
    overlords,
    overlordPorts,
    async restartWorker(n) {
      deployment.workers[n] = await startDexProcess('worker', workerArgs(n), 'worker listening');
    },
    async restartOverlord(n) {
      deployment.overlords[n] = await startDexProcess('overlord', overlordArgs(n), 'admin API listening');
    },
    async admin(n, path, init = {}) {
      const response = await fetch(`http://127.0.0.1:${overlordPorts[n]}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: secrets.adminApiSecret, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
    async leader() {
      for (const n of [0, 1]) {
        try {
          const response = await fetch(`http://127.0.0.1:${overlordPorts[n]}/metrics`, {
            headers: { authorization: `Bearer ${secrets.adminApiSecret}` },
            signal: AbortSignal.timeout(2_000),
          });
          if (/^dex_overlord_leader 1$/m.test(await response.text())) return n;
        } catch {
          // that one is down
        }
      }
      return -1;
    },
    async stop() {
      client.close();
      nginx.kill('SIGTERM');
      await Promise.all([...deployment.workers, ...deployment.overlords].map((service) => service.stop()));
      await pg.destroy();
      rmSync(work, { recursive: true, force: true });
    },
  };
  return deployment;
}
