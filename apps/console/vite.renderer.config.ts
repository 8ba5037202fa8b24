import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The console's React renderer. One build serves both hosts: Electron loads it from disk
 * (file://) and the overlord serves it at `/console` under a strict CSP, so every asset URL
 * is relative and nothing is inlined (no inline scripts or styles).
 */
export default defineConfig({
  root: here('./src/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: true,
    target: 'es2022',
  },
  server: { strictPort: false },
});
