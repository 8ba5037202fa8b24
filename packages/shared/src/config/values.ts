import { z } from 'zod';
import { parseDatabaseUrl } from '#db/database-url.ts';
import { AppError } from '#errors/index.ts';

const UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go-style duration as dex v0 flags take them (`24h`, `90m`, `1h30m`, `45s`).
 * Returns milliseconds, or undefined when the text is not a duration.
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (UNITS_MS[match[2] ?? ''] ?? 0);
  }
  return Math.round(total);
}

/** A positive duration flag, in milliseconds. */
export const zDuration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (examples: 24h, 30m, 1h30m)` });
    return z.NEVER;
  }
  return ms;
});

/** A duration flag that may also be `0` (which turns off what it sets), in milliseconds. */
export const zDurationOrZero = z.string().transform((text, ctx) => {
  const ms = /^\s*0+\s*$/.test(text) ? 0 : parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (examples: 0, 3s, 500ms, 1m)` });
    return z.NEVER;
  }
  return ms;
});

/**
 * Decodes standard base64 and checks the decoded length, with dex v0's message
 * (`expected 32-byte secret, got 16-byte secret`).
 */
export function decodeBase64Secret(text: string, bytes: number): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new AppError('INVALID_CONFIG', { message: 'not valid base64' });
  }
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.length !== bytes) {
    throw new AppError('INVALID_CONFIG', { message: `expected ${bytes}-byte secret, got ${decoded.length}-byte secret` });
  }
  return decoded;
}

/** A base64 secret of an exact length. */
export function zBase64Secret(bytes: number) {
  return z.string().transform((text, ctx) => {
    try {
      return decodeBase64Secret(text, bytes);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

/** A base64 secret of an exact length, kept as the text (the admin API compares the text). */
export function zBase64SecretText(bytes: number) {
  return z.string().superRefine((text, ctx) => {
    try {
      decodeBase64Secret(text, bytes);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    }
  });
}

/** `--key-secrets`: comma-separated base64 of 32 bytes each; the first encrypts, all decrypt. */
export const zKeySecrets = z.string().transform((text, ctx) => {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'at least one secret is required' });
    return z.NEVER;
  }
  const secrets: Buffer[] = [];
  for (const [index, part] of parts.entries()) {
    try {
      secrets.push(decodeBase64Secret(part, 32));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `secret #${index + 1}: ${error instanceof Error ? error.message : String(error)}` });
      return z.NEVER;
    }
  }
  return secrets;
});

/** `--db-url`: SQLite `file:` or PostgreSQL URL. */
export const zDbUrl = z.string().superRefine((text, ctx) => {
  try {
    parseDatabaseUrl(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

/** An absolute http(s) URL (listen addresses, issuer). */
export const zHttpUrl = z.string().transform((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a URL` });
    return z.NEVER;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `"${text}" must use http or https` });
    return z.NEVER;
  }
  if (url.hostname === '') {
    ctx.addIssue({ code: 'custom', message: `"${text}" needs a host` });
    return z.NEVER;
  }
  return url;
});

/**
 * A comma-separated list of browser origins (`https://app.example.com`,
 * `http://127.0.0.1:5173`), each exactly as browsers send it in `Origin`: scheme, host and
 * port, no path. Empty by default. With `wildcard`, `*` given alone allows every origin.
 * @example 'allowed-origins': zOriginList({ wildcard: true }).default([])
 */
export function zOriginList(options: { wildcard: boolean }) {
  return z.string().transform((text, ctx) => {
    const origins = text
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== '');
    if (origins.includes('*')) {
      if (options.wildcard && origins.length === 1) return origins;
      ctx.addIssue({ code: 'custom', message: options.wildcard ? '"*" must be given alone' : '"*" is not allowed here' });
      return z.NEVER;
    }
    for (const origin of origins) {
      const url = URL.canParse(origin) ? new URL(origin) : undefined;
      if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin) {
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin (scheme://host[:port], no path)` });
        return z.NEVER;
      }
    }
    return origins;
  });
}

export const zBooleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

/**
 * Validates raw flag values against an app's schema and freezes the result. The first
 * problem becomes an INVALID_CONFIG error naming the flag (`--key-secrets: expected
 * 32-byte secret, got 16-byte secret`).
 */
export function parseConfig<S extends z.ZodType>(schema: S, raw: Readonly<Record<string, string>>): Readonly<z.output<S>> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const flag = issue?.path[0];
    const message = issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : (issue?.message ?? 'invalid');
    throw new AppError('INVALID_CONFIG', {
      message: typeof flag === 'string' ? `--${flag}: ${message}` : message,
    });
  }
  return Object.freeze(result.data);
}
