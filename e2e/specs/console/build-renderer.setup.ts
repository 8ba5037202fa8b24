import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test as setup } from '@playwright/test';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

// The overlord serves apps/console/dist/renderer: build it from the sources under test, so a
// clean checkout (CI) tests the current renderer, never a stale or missing build.
setup('build the console renderer', () => {
  setup.setTimeout(120_000);
  execFileSync('npm', ['run', 'build:renderer', '--workspace', '@dex/console'], { cwd: repositoryRoot, stdio: 'pipe' });
});
