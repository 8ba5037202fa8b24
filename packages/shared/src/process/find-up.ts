import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest directory at or above `from` (a file URL or path) that holds `relative`, or
 * undefined. Lets code find files of the repository (the migrations, the console's build)
 * from its own location whether it runs as a source file or bundled into a bin's `dist/`.
 * @example findUp(import.meta.url, 'prisma/migrations') // '/srv/dex'
 */
export function findUp(from: string | URL, relative: string): string | undefined {
  const start = typeof from === 'string' && !from.startsWith('file:') ? from : fileURLToPath(from);
  for (let dir = dirname(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
