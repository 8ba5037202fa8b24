#!/usr/bin/env node
// The compiled bundle (dist/, built at npm install) when it is up to date, else the sources through tsx.
import { launch } from '@dex/shared/launch';

await launch({ from: import.meta.url, name: 'dex-worker', bundleDir: '../dist', source: '../src/main.ts', run: 'runWorkerCli' });
