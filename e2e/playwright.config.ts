import { fileURLToPath } from 'node:url';
import { CHROMIUM_LAUNCH_OPTIONS } from '@dex/shared/testing/chromium';
import { defineConfig } from '@playwright/test';
import type { DexWorkerFixtures } from './fixtures/test.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * End-to-end suite: real dex processes, a real relying party and Debian's Chromium
 * (`apt-get install chromium`: `npx playwright install` cannot download browsers on these machines).
 * The environment is read here and nowhere else.
 */
export default defineConfig<object, DexWorkerFixtures>({
  testDir: here('./specs'),
  outputDir: here('./test-results'),
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  fullyParallel: false,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: here('./playwright-report') }]],
  use: {
    pgUrl: process.env.DEX_TEST_PG_URL || undefined,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { ...CHROMIUM_LAUNCH_OPTIONS, args: [...CHROMIUM_LAUNCH_OPTIONS.args] },
  },
  projects: [
    {
      name: 'login',
      testDir: here('./specs/login'),
      use: { browserName: 'chromium' },
    },
    {
      // The overlord serves apps/console/dist/renderer: build it before the console specs.
      name: 'console-build',
      testDir: here('./specs/console'),
      testMatch: /build-renderer\.setup\.ts$/,
    },
    {
      name: 'console',
      testDir: here('./specs/console'),
      testMatch: /\.spec\.ts$/,
      dependencies: ['console-build'],
      use: { browserName: 'chromium', permissions: ['clipboard-read', 'clipboard-write'] },
    },
    {
      name: 'connectors',
      testDir: here('./specs/connectors'),
      use: { browserName: 'chromium' },
    },
  ],
});
