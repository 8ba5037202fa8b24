import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Passwords hashed at test strength here and in the programs the tests start.
    setupFiles: ['@dex/shared/testing/insecure-password-hashing.setup'],
    maxWorkers: 2,
  },
});
