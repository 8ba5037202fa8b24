/**
 * The one line of an error that says what happened. Prisma's messages start with the
 * invocation and a code frame and end with the reason, which a raw query wraps again
 * (``Raw query failed. Code: `N/A`. Message: `Can't reach database server at 127.0.0.1:1` ``).
 * @example errorReason(new Error('first line\nsecond')) // 'first line'
 */
export function errorReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (prismaErrorCode(error) === undefined && !/^Invalid `/.test(lines[0] ?? '')) return lines[0] ?? 'unknown error';
  const last = lines.at(-1) ?? 'unknown error';
  return /^Raw query failed\. Code: `[^`]*`\. Message: `(.*)`$/.exec(last)?.[1] ?? last;
}

/** Prisma's error code (`P2002`, `P2021`, ...) of an error, if it has one. */
export function prismaErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}
