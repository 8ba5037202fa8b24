#!/usr/bin/env node
// The compiled bundle (dist/cli/, built at npm install) when it is up to date, else the sources through tsx.
import { launch } from '@dex/shared/launch';

await launch({ from: import.meta.url, name: 'dexctl', bundleDir: '../dist/cli', source: '../src/cli/dexctl.ts', run: 'runDexctl' });
