import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '@dex/shared/testing';
import { describe, expect, it } from 'vitest';

const CONSOLE_SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const RENDERER = join(CONSOLE_SRC, 'renderer');
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

/** Where an import of `file` points inside the console's sources (`#x/...` is `src/x/...`), or null for a package. */
function target(file: string, specifier: string): string | null {
  if (specifier.startsWith('#')) return join(CONSOLE_SRC, specifier.slice(1));
  if (specifier.startsWith('.')) return resolve(dirname(file), specifier);
  return null;
}

describe('the renderer holds no credentials: it never imports the main process’s core (#core/*)', () => {
  it('no renderer module imports src/core, src/main, src/cli or Node built-ins', async () => {
    const offending: string[] = [];
    for (const file of await sourceFiles(RENDERER)) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const specifier = match[1] ?? match[2] ?? match[3] ?? '';
        const resolved = target(file, specifier);
        const where = resolved === null ? '' : relative(CONSOLE_SRC, resolved);
        if (/^(core|main|cli)\//.test(where) || specifier.startsWith('node:'))
          offending.push(`${relative(CONSOLE_SRC, file)}: ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('the linter refuses a renderer import of #core', async () => {
    // The repository's lint configuration, applied to a probe file at a renderer path.
    const dir = await mkdtemp(join(tmpdir(), 'renderer-boundary-'));
    try {
      await copyFile(join(REPO_ROOT, 'biome.json'), join(dir, 'biome.json'));
      await mkdir(join(dir, 'apps/console/src/renderer'), { recursive: true });
      await writeFile(
        join(dir, 'apps/console/src/renderer/probe.ts'),
        "import { x } from '#core/desktop-sign-in/index.ts';\nexport const y = x;\n",
      );
      const biome = join(REPO_ROOT, 'node_modules/.bin/biome');
      const result = await new Promise<{ code: number; output: string }>((done) => {
        execFile(biome, ['lint', '--vcs-enabled=false', 'apps/console/src/renderer/probe.ts'], { cwd: dir }, (error, stdout, stderr) => {
          done({ code: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}${stderr}` });
        });
      });
      expect(result.output).toContain('lint/style/noRestrictedImports');
      expect(result.output).toContain("import { x } from '#core/desktop-sign-in/index.ts'");
      expect(result.code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
