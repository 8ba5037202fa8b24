#!/usr/bin/env node
/**
 * Builds the three programs (dex-worker, dex-overlord, dexctl) into one JavaScript file each,
 * so production runs compiled JavaScript: no TypeScript compilation at start, no tsx and its
 * esbuild service in memory. Runs at `npm install` (postinstall) and by `npm run build:bins`.
 *
 * Each bundle holds our workspace code (@dex/*); npm packages stay imports resolved from
 * node_modules as usual. Next to each bundle, `<name>.inputs.json` lists the source files it
 * was built from: a bin whose sources changed after the build runs them through tsx instead
 * (packages/shared/launch.mjs), so editing a file never runs stale code.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const BINS = [
  { name: 'dex-worker', entry: 'apps/server/src/main.ts', outDir: 'apps/server/dist' },
  { name: 'dex-overlord', entry: 'apps/overlord/src/main.ts', outDir: 'apps/overlord/dist' },
  { name: 'dexctl', entry: 'apps/console/src/cli/dexctl.ts', outDir: 'apps/console/dist/cli' },
];

/** npm packages stay external: only our own workspace packages and files are bundled. */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./#]/ }, (args) =>
      args.path.startsWith('@dex/') || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
    );
  },
};

const started = Date.now();
for (const bin of BINS) {
  const outDir = join(root, bin.outDir);
  const outfile = join(outDir, `${bin.name}.mjs`);
  const result = await build({
    entryPoints: [join(root, bin.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPackages],
    // Bundled CommonJS-style code (the generated Prisma client) may call require().
    banner: {
      js: "import { createRequire as __dexCreateRequire } from 'node:module'; const require = __dexCreateRequire(import.meta.url);",
    },
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => relative(outDir, resolve(root, input)));
  writeFileSync(join(outDir, `${bin.name}.inputs.json`), `${JSON.stringify({ builtAtMs: Date.now(), inputs })}\n`);
}
process.stdout.write(`built ${BINS.map((b) => b.name).join(', ')} in ${Date.now() - started} ms\n`);
