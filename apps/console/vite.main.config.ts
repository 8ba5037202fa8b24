import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The Electron main process: one ES module (`dist/main/index.js`, Electron 45 runs ESM main
 * scripts) with the workspace code and its dependencies bundled in; only `electron` and
 * Node's built-ins stay imports. Source maps for stack traces in the log.
 */
export default defineConfig({
  build: {
    ssr: here('./src/main/index.ts'),
    outDir: here('./dist/main'),
    emptyOutDir: true,
    target: 'node22',
    sourcemap: true,
    minify: false,
    rolldownOptions: {
      external: ['electron'],
      output: { format: 'es', entryFileNames: 'index.js' },
    },
  },
  ssr: { noExternal: true, external: ['electron'], target: 'node' },
});
