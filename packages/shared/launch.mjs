// Starts one of the programs: from its bundle in dist/ when that is up to date with the
// sources (built at `npm install` by scripts/build-bins.mjs), else from the TypeScript
// sources through tsx, so a developer's edit is never run stale. Plain JavaScript: it runs
// before anything can compile TypeScript.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

/** Whether the bundle exists and none of the files it was built from changed since. */
function isFresh(bundlePath, inputsPath) {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(inputsPath, 'utf8'));
    statSync(bundlePath);
    const dir = dirname(bundlePath);
    return inputs.every((input) => statSync(resolve(dir, input)).mtimeMs <= builtAtMs);
  } catch {
    return false;
  }
}

/** Whether node's own command line sets this V8 flag (`--x`, `--no-x`, `--x=...`): it wins. */
function givenToNode(flag) {
  return process.execArgv.some((arg) => arg === `--${flag}` || arg === `--no-${flag}` || arg.startsWith(`--${flag}=`));
}

/**
 * @param {{ from: string, name: string, bundleDir: string, source: string, run: string }} bin
 *   `from` is the bin's import.meta.url; `bundleDir` and `source` are relative to it; `run` is
 *   the exported function taking argv and resolving to the exit status.
 */
export async function launch(bin) {
  // Prisma plans queries in a WebAssembly module. V8 compiles it quickly (Liftoff) and then
  // again, optimised: the second copy costs about 45 MB of memory and a second of CPU at
  // start for queries that take microseconds either way. (Node ignores a flag it lacks.)
  setFlagsFromString('--liftoff-only');
  // V8's heap grows to about 100 MB more than these programs keep alive under load before it
  // collects: without this a worker held 150-210 MiB RSS under the bench's load (young
  // generation at 32 MiB, old space at 55-90 MiB), with it 100-120 MiB, for about 10% more
  // CPU per refresh grant (medians of three interleaved runs on 3 December: 0.94 against
  // 0.86 ms; an earlier A/B gave 25%).
  // Measured and not kept, as they can only be set here, after V8 sized its heap:
  // --semi-space-growth-factor=1 (young generation held at 1 MiB semi-spaces) saves 3-5 MiB
  // of peak more and costs about as much CPU again; without --optimize-for-size, with it and
  // --heap-growing-percent=20, the peak is the same and the CPU too. (--max-semi-space-size
  // only works on node's command line: the bench's --worker-node-flags can try it.)
  // DEX_OPTIMIZE_FOR_SIZE=0 chooses the CPU instead (docs/operations.md); so does
  // --no-optimize-for-size on node's command line.
  if (process.env.DEX_OPTIMIZE_FOR_SIZE !== '0' && !givenToNode('optimize-for-size')) setFlagsFromString('--optimize-for-size');
  // Test suites only: scrypt at N=2^10 (packages/shared/src/crypto/password.ts). A global, so the
  // bundle's own copy of the hashing module sees it; the servers log a warning when it is set.
  if (process.env.DEX_INSECURE_TEST_PASSWORD_HASHING === '1') globalThis[Symbol.for('dex.insecureTestPasswordHashing')] = true;
  const binDir = dirname(fileURLToPath(bin.from));
  const bundlePath = resolve(binDir, bin.bundleDir, `${bin.name}.mjs`);
  const inputsPath = resolve(binDir, bin.bundleDir, `${bin.name}.inputs.json`);
  let program;
  if (process.env.DEX_RUN_SOURCES !== '1' && isFresh(bundlePath, inputsPath)) {
    program = await import(pathToFileURL(bundlePath).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    program = await import(pathToFileURL(resolve(binDir, bin.source)).href);
  }
  process.exitCode = await program[bin.run](process.argv.slice(2));
}
