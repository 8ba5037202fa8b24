/**
 * `npm start`: one command for a working provider on the embedded SQLite default.
 *
 * First run: creates `.dex/` with a key secret and an admin API secret (mode 0600), starts
 * dex-overlord (which applies migrations and makes the first signing key), configures the
 * local connector and a demo client, then starts dex-worker. Later runs reuse everything.
 * A process that dies is started again; the other keeps running. Ctrl-C stops both cleanly.
 *
 * For a second instance or a test: DEX_START_DIR (instead of .dex/), DEX_START_WORKER_LISTEN,
 * DEX_START_ADMIN_LISTEN (instead of the default addresses), DEX_START_BUILD_CONSOLE=false
 * (serve the console build that is there; the overlord builds one when there is none).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@dex/shared/db';
import { supervise } from './supervise.ts';
import { createClient } from '@dex/shared/domain/clients';
import { listConnectorConfigs, setConnectorConfigs } from '@dex/shared/domain/connectors';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The environment, read here once: `npm start` has no flags, only these optional variables. */
const env: Readonly<Record<string, string | undefined>> = process.env;
const dataDir = resolve(root, env.DEX_START_DIR || '.dex');
const dbUrl = `file:${join(dataDir, 'dex.db')}`;
const workerUrl = new URL(env.DEX_START_WORKER_LISTEN || 'http://127.0.0.1:5556').origin;
const issuer = `${workerUrl}/dex`;
const adminUrl = new URL(env.DEX_START_ADMIN_LISTEN || 'http://127.0.0.1:5557').origin;
const shouldBuildConsole = env.DEX_START_BUILD_CONSOLE !== 'false';
const demoRedirectUri = 'http://127.0.0.1:5555/callback';

/** Reads a secret file, or creates it with `bytes` random bytes (base64) and mode 0600. */
function secretFile(name: string, bytes: number): string {
  const path = join(dataDir, name);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = randomBytes(bytes).toString('base64');
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return value;
}

function startChild(name: string, bin: string, env: Record<string, string>): ChildProcess {
  const log = createWriteStream(join(dataDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(root, bin)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  // Where an operator (or a test) finds the process to signal; rewritten at each restart.
  if (child.pid !== undefined) writeFileSync(join(dataDir, `${name}.pid`), `${child.pid}\n`);
  return child;
}

async function waitForHealth(name: string, url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with status ${child.exitCode}; see .dex/${name}.log`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become healthy within 60 s; see .dex/${name}.log`);
}

/**
 * Builds the console renderer the overlord serves at /console/ (a few seconds with Vite), so
 * the page matches the checkout. A failed build is reported and dex starts without it.
 */
function buildConsole(): boolean {
  process.stdout.write('building the console (apps/console/dist/renderer)...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build:renderer', '--workspace', '@dex/console'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (build.status === 0) return true;
  process.stderr.write(`the console did not build; dex starts without it:\n${build.stderr ?? build.error?.message ?? ''}\n`);
  return false;
}

/** Creates the local connector and the demo client the first time; returns the demo credentials. */
async function seed(): Promise<{ id: string; secret: string }> {
  const demoFile = join(dataDir, 'demo-client.json');
  const db = await createDatabase({ url: dbUrl });
  try {
    if ((await listConnectorConfigs(db.prisma)).length === 0) await setConnectorConfigs(db.prisma, [{ type: 'local', id: 'local' }]);
    if (existsSync(demoFile)) {
      const saved = JSON.parse(readFileSync(demoFile, 'utf8')) as { id: string; secret: string };
      if ((await db.prisma.client.count({ where: { id: saved.id } })) === 1) return saved;
    }
    const { client, secret } = await createClient(db.prisma, { redirectUris: [demoRedirectUri], name: 'Demo app' });
    writeFileSync(demoFile, `${JSON.stringify({ id: client.id, secret }, null, 2)}\n`, { mode: 0o600 });
    return { id: client.id, secret };
  } finally {
    await db.close();
  }
}

async function main(): Promise<number> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keySecret = secretFile('key-secrets', 32);
  const adminSecret = secretFile('admin-api-secret', 128);
  const children: ReturnType<typeof supervise>[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await Promise.all(children.map((child) => child.stop()).reverse());
  };
  const report = (line: string) => process.stderr.write(`${line}\n`);
  const onSignal = () => {
    if (stopping) return;
    process.stdout.write('\nstopping dex-worker and dex-overlord...\n');
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const hasConsole = shouldBuildConsole ? buildConsole() : true;
  try {
    const startOverlord = () =>
      startChild('overlord', 'apps/overlord/bin/dex-overlord.js', {
        DEX_OVERLORD_DB_URL: dbUrl,
        DEX_OVERLORD_KEY_SECRETS: keySecret,
        DEX_OVERLORD_ADMIN_API_SECRET: adminSecret,
        DEX_OVERLORD_ADMIN_LISTEN: adminUrl,
        // "Sign in with dex" through this worker, and the links of invitation and reset emails.
        DEX_OVERLORD_CONSOLE_ISSUER: issuer,
        DEX_OVERLORD_ISSUER: issuer,
      });
    const overlordReady = (child: ChildProcess) => waitForHealth('overlord', `${adminUrl}/health`, child);
    const overlord = startOverlord();
    children.push(supervise(overlord, { name: 'overlord', start: startOverlord, ready: overlordReady, report }));
    await overlordReady(overlord);
    const demo = await seed();
    const startWorker = () =>
      startChild('worker', 'apps/server/bin/dex-worker.js', {
        DEX_WORKER_DB_URL: dbUrl,
        DEX_WORKER_KEY_SECRETS: keySecret,
        DEX_WORKER_LISTEN: workerUrl,
        DEX_WORKER_ISSUER: issuer,
      });
    const workerReady = (child: ChildProcess) => waitForHealth('worker', `${issuer}/health`, child);
    const worker = startWorker();
    children.push(supervise(worker, { name: 'worker', start: startWorker, ready: workerReady, report }));
    await workerReady(worker);

    process.stdout.write(`
dex is running (data in .dex/, logs in .dex/overlord.log and .dex/worker.log)

  Issuer (OpenID Provider)  ${issuer}
  Discovery                 ${issuer}/.well-known/openid-configuration
  Admin API                 ${adminUrl}
  Admin console             ${hasConsole ? `${adminUrl}/console/ (sign in with dex as an admin user, or with the admin API secret)` : 'not built (see above)'}
  Admin API secret          ${adminSecret}
                            (also in .dex/admin-api-secret)

  Demo client
    DEX_APP_CLIENT_ID=${demo.id}
    DEX_APP_CLIENT_SECRET=${demo.secret}
    DEX_APP_REDIRECTURL_0=${demoRedirectUri}

  Add a user who can log in with the local connector:
    curl -X POST ${adminUrl}/api/v1/admin \\
      -H "Authorization: $(cat .dex/admin-api-secret)" -H 'Content-Type: application/json' \\
      -d '{"email":"admin@example.com","password":"choose-a-password"}'

Press Ctrl-C to stop.
`);
    // Runs until Ctrl-C: the signal handler stops the children and exits.
    await new Promise(() => undefined);
    return 0;
  } catch (error) {
    process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAll();
    return 1;
  }
}

process.exitCode = await main();
