import { describe, expect, it } from 'vitest';
import { decideWindowOpen, isAppUrl, isExternalLinkAllowed, isNavigationAllowed } from '#main/window/navigation-rules.ts';

const ALLOWED = ['https://github.com', 'https://dexidp.io'];

describe('navigation rules', () => {
  it('lets the window move only within the app', () => {
    expect(isNavigationAllowed('app://console/index.html')).toBe(true);
    expect(isNavigationAllowed('app://console/index.html#/clients/web-app')).toBe(true);
    expect(isNavigationAllowed('app://console/')).toBe(true);
  });

  it.each([
    'javascript:alert(document.cookie)',
    'file:///etc/passwd',
    'file:///opt/dex-console/resources/app.asar/dist/renderer/index.html',
    'data:text/html,<script>alert(1)</script>',
    'https://attacker.example/phish',
    'https://github.com/dexidp/dex',
    'http://127.0.0.1:5557/api/v1/state',
    'app://other/index.html',
    'app://user:pw@console/index.html',
    'chrome://settings',
    'devtools://devtools/bundled/inspector.html',
    'not a url',
    '',
  ])('refuses to navigate to %s', (url) => {
    expect(isNavigationAllowed(url)).toBe(false);
  });

  it('recognizes the app by scheme and host (Node gives custom schemes the origin "null")', () => {
    expect(new URL('app://console/index.html').origin).toBe('null');
    expect(isAppUrl('APP://CONSOLE/index.html')).toBe(true);
    expect(isAppUrl('app://console:8080/index.html')).toBe(false);
  });
});

describe('new windows', () => {
  it('never opens an Electron window; allow-listed https links go to the system browser', () => {
    expect(decideWindowOpen('https://github.com/dexidp/dex/blob/master/README.md', ALLOWED)).toEqual({
      action: 'deny',
      openExternally: 'https://github.com/dexidp/dex/blob/master/README.md',
    });
    expect(decideWindowOpen('https://dexidp.io/docs/', ALLOWED).openExternally).toBe('https://dexidp.io/docs/');
  });

  it.each([
    'http://github.com/dexidp/dex',
    'https://github.com.attacker.example/',
    'https://attacker.example/?next=https://github.com',
    'https://github.com:8443/',
    'https://user:pw@github.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'app://console/index.html',
    'mailto:admin@example.com',
    'not a url',
  ])('opens nothing for %s', (url) => {
    expect(decideWindowOpen(url, ALLOWED)).toEqual({ action: 'deny', openExternally: null });
    expect(isExternalLinkAllowed(url, ALLOWED)).toBe(false);
  });

  it('opens nothing externally with an empty allow-list', () => {
    expect(isExternalLinkAllowed('https://github.com/', [])).toBe(false);
  });
});
