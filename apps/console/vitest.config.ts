import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The tests run the real dexctl bin in subprocesses (tsx start-up, database I/O).
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
