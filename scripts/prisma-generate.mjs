#!/usr/bin/env node
// Generates one Prisma client per provider from the single prisma/schema.prisma.
// Runs at `npm install` (root postinstall) and as the `generate` task.
//
// The Prisma CLI insists that its native schema-engine binary exists, although
// `generate` never executes it, and that binary cannot be downloaded on our machines
// (TOOLCHAIN.md). Pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable satisfies the
// check; migrations run through the WebAssembly engine instead (packages/shared/src/db/migrate.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(root, 'prisma', 'schema.prisma');
const outRoot = join(root, 'packages', 'shared', 'src', 'db', 'generated');
const providers = ['sqlite', 'postgresql'];

/** Derives the provider-specific schema text: only the provider and the output differ. */
export function deriveSchema(text, provider) {
  const withProvider = text.replace(/provider\s*=\s*"sqlite"/, `provider = "${provider}"`);
  if (withProvider === text && provider !== 'sqlite') {
    throw new Error('prisma/schema.prisma: the datasource must declare provider = "sqlite"');
  }
  return withProvider.replace(/output\s*=\s*"[^"]*"/, `output       = ${JSON.stringify(join(outRoot, provider))}`);
}

/** Every file under `dir` with its bytes and times (none when `dir` is missing). */
function snapshot(dir) {
  const files = new Map();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { atime, mtime } = statSync(path);
    files.set(path, { bytes: readFileSync(path), atime, mtime });
  }
  return files;
}

/**
 * Gives the files that `prisma generate` rewrote with the same bytes their earlier times back,
 * so that the programs' bundles (built from these files at install) stay up to date after a
 * `generate` task that changed nothing; otherwise the bins would fall back to the sources.
 */
function keepTimesOfUnchanged(before) {
  for (const [path, old] of before) {
    if (existsSync(path) && readFileSync(path).equals(old.bytes)) utimesSync(path, old.atime, old.mtime);
  }
}

function main() {
  const text = readFileSync(schemaPath, 'utf8');
  const prismaCli = join(root, 'node_modules', 'prisma', 'build', 'index.js');
  for (const provider of providers) {
    const dir = join(root, 'prisma', '.generated', provider);
    mkdirSync(dir, { recursive: true });
    const derived = join(dir, 'schema.prisma');
    const before = snapshot(join(outRoot, provider));
    writeFileSync(derived, deriveSchema(text, provider));
    const result = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', derived], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      process.stderr.write(result.stdout + result.stderr);
      process.stderr.write(`prisma generate failed for ${provider}\n`);
      process.exit(1);
    }
    keepTimesOfUnchanged(before);
    process.stdout.write(`generated Prisma client for ${provider}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
