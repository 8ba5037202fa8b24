import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const LAUNCH = pathToFileURL(fileURLToPath(new URL('../../launch.mjs', import.meta.url))).href;

/**
 * The bins' launcher (packages/shared/launch.mjs), on a program laid out as ours are:
 * `bin/prog.js`, its bundle `dist/prog.mjs` with `prog.inputs.json`, its source `src/main.ts`.
 */
describe('bin launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dex-launch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['bin', 'dist', 'src']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, 'bin/prog.js'),
    `import { launch } from '${LAUNCH}';\nawait launch({ from: import.meta.url, name: 'prog', bundleDir: '../dist', source: '../src/main.ts', run: 'run' });\n`,
  );
  const source = join(dir, 'src/main.ts');
  writeFileSync(
    source,
    `export async function run(argv: string[]): Promise<number> { console.log('source', argv.join(' ')); return 3; }\n`,
  );
  writeFileSync(join(dir, 'dist/prog.mjs'), `export async function run(argv) { console.log('bundle', argv.join(' ')); return 4; }\n`);
  const builtAtMs = Date.now();
  writeFileSync(join(dir, 'dist/prog.inputs.json'), JSON.stringify({ builtAtMs, inputs: ['../src/main.ts'] }));
  const past = new Date(builtAtMs - 60_000);
  utimesSync(source, past, past);

  const runProg = async (env: NodeJS.ProcessEnv = {}) => {
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'bin/prog.js'), 'a', 'b'], {
        env: { ...process.env, ...env },
      });
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout };
    }
  };

  it('runs the compiled bundle while it is up to date with its sources, with the exit status it returns', async () => {
    expect(await runProg()).toEqual({ code: 4, stdout: 'bundle a b\n' });
  });

  it('runs the TypeScript sources through tsx when asked to (DEX_RUN_SOURCES=1)', async () => {
    expect(await runProg({ DEX_RUN_SOURCES: '1' })).toEqual({ code: 3, stdout: 'source a b\n' });
  });

  it('never runs a stale bundle: a source edited after the build runs from source', async () => {
    const later = new Date(builtAtMs + 60_000);
    utimesSync(source, later, later);
    expect(await runProg()).toEqual({ code: 3, stdout: 'source a b\n' });
  });
});
