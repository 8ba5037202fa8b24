#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the command works right after
// `npm install` with no build step.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// Prisma plans queries in a WebAssembly module. V8 compiles it quickly (Liftoff), then again,
// optimised, on a background thread, and the process waits for that before it exits: about a
// second of CPU that a command running a few queries never profits from. (An unknown flag is
// ignored, so a later Node.js without this one only loses the saving.)
setFlagsFromString('--liftoff-only');
register();
const { runDexctl } = await import('../src/cli/dexctl.ts');
process.exitCode = await runDexctl(process.argv.slice(2));
