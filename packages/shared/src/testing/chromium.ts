/**
 * How every browser test here starts Chromium: Debian's build (TOOLCHAIN.md: `npx playwright
 * install` cannot download browsers on these machines), without the sandbox (CI runs as root),
 * and without the background traffic that would try to reach the internet.
 * @example chromium.launch(CHROMIUM_LAUNCH_OPTIONS)
 */
export const CHROMIUM_LAUNCH_OPTIONS = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
} as const satisfies { executablePath: string; args: readonly string[] };
