#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the command works right after
// `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { runDexctl } = await import('../src/cli/dexctl.ts');
process.exitCode = await runDexctl(process.argv.slice(2));
