import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, createAppProtocolHandler, resolveAppFile } from '#main/window/app-protocol.ts';

let directory: string;
let root: string;
let serve: (request: Request) => Promise<Response>;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'dex-console-protocol-'));
  root = join(directory, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/index-abc.js"></script>');
  await writeFile(join(root, 'assets', 'index-abc.js'), 'console.log("console");');
  await writeFile(join(root, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(join(root, 'assets', 'tool.exe'), 'MZ');
  await writeFile(join(directory, 'profiles.json'), '{"secret":"outside the renderer"}');
  serve = createAppProtocolHandler({ root });
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('app:// protocol', () => {
  it('serves the renderer with the CSP and a content type', async () => {
    const page = await serve(new Request('app://console/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('./assets/index-abc.js');

    const script = await serve(new Request('app://console/assets/index-abc.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await serve(new Request('app://console/'))).status).toBe(200);
  });

  it('has a CSP without inline scripts, eval or remote sources', () => {
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it.each([
    'app://console/../profiles.json',
    'app://console/%2e%2e/profiles.json',
    'app://console/assets/..%2f..%2fprofiles.json',
    'app://console/assets%5c..%5c..%5cprofiles.json',
    'app://console/missing.js',
    'app://console/assets/tool.exe',
    'app://other/index.html',
    'app://console/%00.js',
  ])('answers 404 for %s', async (url) => {
    const answer = await serve(new Request(url));
    expect(answer.status).toBe(404);
    expect(await answer.text()).toBe('not found');
    expect(answer.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await serve(new Request('app://console/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await serve(new Request('app://console/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('resolves files only under the root', () => {
    expect(resolveAppFile(root, 'app://console/assets/index-abc.css')).toBe(join(root, 'assets', 'index-abc.css'));
    expect(resolveAppFile(root, 'file:///etc/passwd')).toBeNull();
  });
});
