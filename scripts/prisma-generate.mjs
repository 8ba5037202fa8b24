#!/usr/bin/env node
// Generates one Prisma client per provider from the single prisma/schema.prisma.
// Runs at `npm install` (root postinstall) and as the `generate` task.
//
// The Prisma CLI insists that its native schema-engine binary exists, although
// `generate` never executes it, and that binary cannot be downloaded on our machines
// (TOOLCHAIN.md). Pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable satisfies the
// check; migrations run through the WebAssembly engine instead (packages/shared/src/db/migrate.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

function main() {
  const text = readFileSync(schemaPath, 'utf8');
  const prismaCli = join(root, 'node_modules', 'prisma', 'build', 'index.js');
  for (const provider of providers) {
    const dir = join(root, 'prisma', '.generated', provider);
    mkdirSync(dir, { recursive: true });
    const derived = join(dir, 'schema.prisma');
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
    process.stdout.write(`generated Prisma client for ${provider}\n`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
