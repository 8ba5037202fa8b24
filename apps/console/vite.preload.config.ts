import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The preload script of the sandboxed console window: a sandboxed preload cannot load ES
 * modules or other files, so it is one self-contained CommonJS file (`dist/preload/index.cjs`)
 * whose only `require` is `electron`.
 */
export default defineConfig({
  build: {
    ssr: here('./src/preload/index.ts'),
    outDir: here('./dist/preload'),
    emptyOutDir: true,
    target: 'chrome140',
    sourcemap: true,
    minify: false,
    rolldownOptions: {
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: 'index.cjs', codeSplitting: false },
    },
  },
  ssr: { noExternal: true, external: ['electron'], target: 'webworker' },
});
