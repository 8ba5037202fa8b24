import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**'],
          // The tests run the real dexctl bin in subprocesses (tsx start-up, database I/O).
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          // Passwords hashed at test strength here and in the dexctl and servers the tests start.
          setupFiles: ['@dex/shared/testing/insecure-password-hashing.setup'],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['test/renderer/setup.ts'],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
