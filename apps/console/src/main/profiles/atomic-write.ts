import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface WriteFileAtomicOptions {
  /** File mode of the written file (default 0o600: only the user reads it). */
  mode?: number;
  /** Injected in tests to make the final step fail. */
  rename?: (from: string, to: string) => Promise<void>;
}

/**
 * Replaces `path` with `data` so that a reader (or a crash) sees either the old file or the
 * whole new one, never half of it: writes a temporary file beside it, flushes it to disk and
 * renames it over the target. On failure the temporary file is removed and the old file stays.
 * @example await writeFileAtomic(join(userData, 'profiles.json'), JSON.stringify(document));
 */
export async function writeFileAtomic(path: string, data: string, options: WriteFileAtomicOptions = {}): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = await open(temporary, 'wx', options.mode ?? 0o600);
    try {
      await file.writeFile(data, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await (options.rename ?? rename)(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
