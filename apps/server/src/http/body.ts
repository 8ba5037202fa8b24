import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { OAuthError } from '@dex/shared/errors';
import { checkStorable, PARAM_LIMITS, type ParamLimits, type Params, parseParams } from './params.ts';

/** What a route reads from a request body. */
export type BodyKind = 'form' | 'json';

/** The one set of limits for every request body the worker reads. */
export interface BodyLimits extends ParamLimits {
  /** Largest body accepted, in bytes (a larger one is 413, and the rest is never buffered). */
  maxBytes: number;
  /** Deepest nesting of a JSON body. */
  maxDepth: number;
}

export const BODY_LIMITS: BodyLimits = { ...PARAM_LIMITS, maxBytes: 32 * 1024, maxDepth: 8 };

const MEDIA_TYPES: Readonly<Record<string, BodyKind>> = {
  'application/x-www-form-urlencoded': 'form',
  'application/json': 'json',
};

/** The charsets a body may declare: bodies are decoded as UTF-8. */
const UTF8 = new Set(['utf-8', 'utf8']);

/** The media type of a `Content-Type` value (parameters aside, any case) and its declared charset. */
function parseContentType(contentType: string): { type: string; charset: string | undefined } {
  const [type = '', ...parameters] = contentType.split(';');
  let charset: string | undefined;
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals !== -1 && parameter.slice(0, equals).trim().toLowerCase() === 'charset') {
      charset = parameter
        .slice(equals + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return { type: type.trim().toLowerCase(), charset };
}

/**
 * The kind of body a request declares by its `Content-Type`: a form, JSON, or neither (no body,
 * or a media type the worker does not read).
 * @example bodyKindOf('application/x-www-form-urlencoded; charset=UTF-8') // 'form'
 */
export function bodyKindOf(contentType: string | undefined): BodyKind | undefined {
  return contentType === undefined ? undefined : MEDIA_TYPES[parseContentType(contentType).type];
}

/**
 * Reads the whole body up to `maxBytes`; longer is a 413 (the rest is never buffered). A body
 * that has not all arrived within `deadlineMs` is a 408.
 */
function readBytes(req: IncomingMessage, maxBytes: number, deadlineMs: number): Promise<Buffer> {
  if (Number(req.headers['content-length']) > maxBytes) {
    return Promise.reject(new OAuthError('invalid_request', 'request body too large', { status: 413 }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      cleanup();
      reject(new OAuthError('invalid_request', 'the request body took too long', { status: 408 }));
    }, deadlineMs);
    const cleanup = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(new OAuthError('invalid_request', 'request body too large', { status: 413 }));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size));
    };
    // The client went away (or broke the stream): nothing is answered to it anyway.
    const onAborted = () => {
      cleanup();
      reject(new OAuthError('invalid_request', 'request aborted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('aborted', onAborted);
  });
}

/** Checks every string of a parsed JSON value (keys too) and its nesting depth. */
function checkJson(value: unknown, limits: BodyLimits, depth: number): void {
  if (typeof value === 'string') {
    checkStorable(value, 'a JSON string', limits.maxValueLength);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= limits.maxDepth) throw new OAuthError('invalid_request', 'the JSON body is nested too deeply');
  for (const [key, member] of Object.entries(value)) {
    checkStorable(key, 'a JSON member name', limits.maxValueLength);
    checkJson(member, limits, depth + 1);
  }
}

/**
 * Reads a request body the route accepts. Refusals are OAuth errors the route's renderer
 * answers: a body that has not all arrived within `deadlineMs` (default 20 s) is 408, a body
 * over `maxBytes` is 413, a charset other than UTF-8 or any content coding
 * 415, bytes that are not UTF-8, malformed JSON, too many parameters, an unstorable value
 * (NUL, a lone surrogate, over `maxValueLength`) or JSON nested deeper than `maxDepth` 400.
 * @example const form = (await readBody(req, 'form', BODY_LIMITS)) as Params;
 */
export async function readBody(
  req: IncomingMessage,
  kind: BodyKind,
  limits: BodyLimits = BODY_LIMITS,
  deadlineMs = 20_000,
): Promise<Params | unknown> {
  const { charset } = parseContentType(req.headers['content-type'] ?? '');
  if (charset !== undefined && !UTF8.has(charset)) throw new OAuthError('invalid_request', 'unsupported body charset', { status: 415 });
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new OAuthError('invalid_request', 'unsupported body encoding', { status: 415 });
  }
  const bytes = await readBytes(req, limits.maxBytes, deadlineMs);
  if (!isUtf8(bytes)) throw new OAuthError('invalid_request', 'the request body is not valid UTF-8');
  const text = bytes.toString('utf8');
  if (kind === 'form') return parseParams(text, limits);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_request', 'malformed JSON body');
  }
  checkJson(value, limits, 0);
  return value;
}
