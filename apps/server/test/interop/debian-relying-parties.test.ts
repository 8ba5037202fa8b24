import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { copyFile } from 'node:fs/promises';
import { testProviders, walkLogin } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerStack, type WorkerStack } from '../support/worker-stack.ts';

/**
 * Interop with relying parties from Debian (TOOLCHAIN.md; `.ci/run` installs them): go-oidc
 * with x/oauth2, and Authlib with requests. Each is a small program in `rp/` that prints its
 * authorization URL, gets the URL the browser came back to on stdin, and prints what it
 * verified: the code flow with PKCE, the ID token against the JWKS, and a refresh.
 */
const here = dirname(fileURLToPath(import.meta.url));
const REDIRECT_URI = 'http://127.0.0.1:5555/callback';

interface RpResult {
  sub: string;
  email: string;
  refreshedSub: string;
  rotated: boolean;
  refreshedToken: boolean;
}

/** Runs a relying party: the browser part is the suite's browserless login through the real pages. */
async function runRelyingParty(child: ChildProcessWithoutNullStreams, credentials: { login: string; password: string }): Promise<RpResult> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`the relying party stopped (${await exited}): ${stderr}`);
    return line.value;
  };
  const authorizationUrl = await next();
  const walk = await walkLogin(authorizationUrl, credentials);
  if (walk.location === null) throw new Error(`login did not redirect: ${walk.status} ${walk.body.slice(0, 200)}`);
  child.stdin.write(`${walk.location}\n`);
  const result = JSON.parse(await next()) as RpResult;
  expect(await exited, stderr).toBe(0);
  return result;
}

describe.each(testProviders(process.env))('relying parties from Debian against a live worker (%s)', (provider) => {
  let stack: WorkerStack;
  let work: string;
  let goBinary: string;
  beforeAll(async () => {
    stack = await startWorkerStack(provider);
    work = await mkdtemp(join(tmpdir(), 'dex-rp-'));
    // GOPATH mode against Debian's sources: no module proxy, no network.
    await mkdir(join(work, 'src', 'rp'), { recursive: true });
    await copyFile(join(here, 'rp', 'go-oidc-rp.go'), join(work, 'src', 'rp', 'main.go'));
    goBinary = join(work, 'rp');
    await promisify(execFile)('go', ['build', '-o', goBinary, 'rp'], {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        HOME: work,
        GO111MODULE: 'off',
        GOPROXY: 'off',
        GOFLAGS: '',
        GOPATH: `${work}:/usr/share/gocode`,
        GOCACHE: join(work, 'cache'),
      },
    });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  for (const [name, command] of [
    ['go-oidc with x/oauth2', () => [goBinary]],
    ['Authlib with requests', () => ['/usr/bin/python3', join(here, 'rp', 'authlib-rp.py')]],
  ] as const) {
    it(`${name}: code flow with PKCE, ID token verified against the JWKS, refresh`, async () => {
      const client = await stack.addClient({ redirectUris: [REDIRECT_URI], name });
      const user = await stack.addUser();
      const [program = '', ...args] = command();
      const child = spawn(program, [...args, stack.issuer, client.id, client.secret, REDIRECT_URI], { env: { PATH: process.env.PATH } });
      const result = await runRelyingParty(child, { login: user.email, password: user.password });
      expect(result).toEqual({ sub: user.id, email: user.email, refreshedSub: user.id, rotated: true, refreshedToken: true });
    }, 60_000);
  }
});
