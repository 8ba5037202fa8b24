import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminHarness, startAdminHarness } from './admin-harness.ts';

const INDEX = '<!doctype html><title>dex console</title><script type="module" src="./assets/app-3f2a.js"></script>';
const SCRIPT = 'export const app = 1;\n';

async function get(harness: AdminHarness, path: string, init: RequestInit = {}): Promise<Response> {
  return harness.call(path, { secret: null, redirect: 'manual', ...init });
}

describe('the console at /console/', () => {
  let dir: string;
  let harness: AdminHarness;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dex-console-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'app-3f2a.js'), SCRIPT);
    harness = await startAdminHarness('sqlite', { consoleDir: dir });
  });
  afterAll(async () => {
    await harness?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page without the admin secret, under a strict CSP that allows only its own origin', async () => {
    const response = await get(harness, '/console/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toBe(INDEX);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('redirects /console to /console/ so relative asset URLs resolve', async () => {
    const response = await get(harness, '/console');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/console/');
  });

  it('caches hashed assets for a year and answers 404 for a missing one', async () => {
    const asset = await get(harness, '/console/assets/app-3f2a.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe(SCRIPT);

    const missing = await get(harness, '/console/assets/gone-1234.js');
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('<script');
  });

  it('answers a reloaded screen URL with the app', async () => {
    const response = await get(harness, '/console/clients/web-app');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(INDEX);
  });

  it('refuses other methods with 405 and never serves files outside the build', async () => {
    const post = await get(harness, '/console/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');

    const traversal = await get(harness, '/console/..%2f..%2fpackage.json');
    expect([400, 403, 404]).toContain(traversal.status);
    expect(await traversal.text()).not.toContain('"name"');
  });

  it('keeps the admin API behind the secret next to it', async () => {
    const response = await get(harness, '/api/v1/state');
    expect(response.status).toBe(401);
  });
});

describe('the console when it is not built', () => {
  let dir: string;
  let harness: AdminHarness;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dex-console-empty-'));
    harness = await startAdminHarness('sqlite', { consoleDir: dir });
  });
  afterAll(async () => {
    await harness?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('explains how to build it instead of a bare 404', async () => {
    const response = await get(harness, '/console/');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('npm run build --workspace @dex/console');
  });
});

describe('the console when disabled', () => {
  let harness: AdminHarness;

  beforeAll(async () => {
    harness = await startAdminHarness('sqlite', { consoleDir: null });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('answers /console/ like any unknown admin path', async () => {
    const response = await get(harness, '/console/');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
