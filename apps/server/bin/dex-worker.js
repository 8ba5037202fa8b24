#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the command works right after
// `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
const { runWorkerCli } = await import('../src/main.ts');
process.exitCode = await runWorkerCli(process.argv.slice(2));
