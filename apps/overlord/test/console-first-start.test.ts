import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { createTestDatabase, freePort, REPO_ROOT, type Service, startService, type TestDatabase, testSecrets } from '@dex/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A fresh clone as `git clone && npm install` leaves it: the files git keeps of the overlord
 * and the console workspaces (as they are in the working tree, so the test checks the code
 * under test), no `dist/` (ignored), and the installed `node_modules`.
 */
function freshCloneOf(workspaces: readonly string[]): string {
  const clone = mkdtempSync(join(tmpdir(), 'dex-clone-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...workspaces], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(REPO_ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(clone, file));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  for (const workspace of workspaces) {
    const own = join(REPO_ROOT, workspace, 'node_modules');
    if (existsSync(own)) symlinkSync(own, join(clone, workspace, 'node_modules'), 'dir');
  }
  return clone;
}

async function getConsole(origin: string): Promise<{ status: number; body: string; retryAfter: string | null }> {
  const response = await fetch(`${origin}/console/`);
  return { status: response.status, body: await response.text(), retryAfter: response.headers.get('retry-after') };
}

describe('npx dex-overlord on a fresh clone serves the console with no separate build step', () => {
  let clone: string;
  let database: TestDatabase;
  let overlord: Service | undefined;
  const secrets = testSecrets();

  const startCloneOverlord = async (): Promise<{ service: Service; origin: string }> => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const args = ['--db-url', database.url, '--key-secrets', secrets.keySecretText, '--admin-api-secret', secrets.adminApiSecret];
    const service = startService({
      name: 'dex-overlord (fresh clone)',
      script: join(clone, 'apps/overlord/bin/dex-overlord.js'),
      args: [...args, '--admin-listen', origin],
    });
    overlord = service;
    await service.waitForLog('admin API listening', 60_000);
    return { service, origin };
  };

  beforeAll(async () => {
    clone = freshCloneOf(['apps/overlord', 'apps/console']);
    database = await createTestDatabase('sqlite', { migrate: false });
  });
  afterAll(async () => {
    await overlord?.stop();
    await database?.drop();
    if (clone !== undefined) rmSync(clone, { recursive: true, force: true });
  });

  it('builds the renderer at the first start, saying so meanwhile, then serves it', async () => {
    const renderer = join(clone, 'apps/console/dist/renderer');
    expect(existsSync(renderer)).toBe(false);
    const { service, origin } = await startCloneOverlord();

    const first = await getConsole(origin);
    // A fast machine may have finished already; otherwise the page says what is happening.
    if (first.status !== 200) {
      expect(first.status).toBe(503);
      expect(first.retryAfter).toBe('2');
      expect(first.body).toContain('The dex console is being built');
    }
    await service.waitForLog('console renderer built', 180_000);
    const page = await getConsole(origin);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${origin}/console/${script}`);
    expect(asset.status).toBe(200);
    expect(existsSync(join(renderer, 'index.html'))).toBe(true);
    // Nothing is left of the build's working directory.
    expect(existsSync(`${renderer}.building-${service.pid}`)).toBe(false);
    await service.stop();
  }, 240_000);

  it('serves the existing build at once on the next start, without building again', async () => {
    const { service, origin } = await startCloneOverlord();
    const page = await getConsole(origin);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    await delay(200);
    expect(service.output()).not.toContain('building the console renderer');
    await service.stop();
  }, 90_000);
});
