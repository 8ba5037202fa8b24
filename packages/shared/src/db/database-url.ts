import { AppError } from '#errors/index.ts';

export type DatabaseProvider = 'sqlite' | 'postgresql';

export type DatabaseTarget = { provider: 'sqlite'; url: string; filename: string } | { provider: 'postgresql'; url: string };

/**
 * Reads a `--db-url`: `file:./path.db` (or `file:/abs/path.db`) is SQLite,
 * `postgres://` or `postgresql://` is PostgreSQL. Anything else is refused with a message
 * that names the accepted forms.
 * @example parseDatabaseUrl('file:./.dex/dex.db') // { provider: 'sqlite', filename: './.dex/dex.db', ... }
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const value = url.trim();
  if (value.startsWith('file:')) {
    const filename = value.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (filename === '' || filename.includes('?')) {
      throw invalid(url, 'a SQLite URL needs a file path, as in file:./dex.db');
    }
    return { provider: 'sqlite', url: value, filename };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw invalid(url, 'not a valid PostgreSQL URL');
    }
    if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
      throw invalid(url, 'a PostgreSQL URL needs a host, as in postgres://user@127.0.0.1:5432/dex');
    }
    return { provider: 'postgresql', url: value };
  }
  throw invalid(url, 'expected file:PATH (SQLite) or postgres://... (PostgreSQL)');
}

/**
 * A URL with any password replaced, safe to print: the one in the user info and a
 * `password` (or `sslpassword`) query parameter, as libpq and `pg` accept both.
 * @example redactDatabaseUrl('postgres://dex:s3cret@db/dex?password=x') // 'postgres://dex:***@db/dex?password=***'
 */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@').replace(/([?&](?:ssl)?password=)[^&#]*/gi, '$1***');
}

function invalid(url: string, reason: string): AppError {
  return new AppError('INVALID_CONFIG', { message: `invalid database URL "${redactDatabaseUrl(url)}": ${reason}` });
}
