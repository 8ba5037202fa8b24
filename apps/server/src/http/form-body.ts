import type { IncomingMessage } from 'node:http';
import { type FormRequest, isFormContentType } from '#oidc/form-param.ts';
import { OAuthError } from '#oidc/oauth-error.ts';

export interface FormLimits {
  /** Largest body accepted, in bytes (a larger one is 413). */
  maxBytes: number;
  /** Most parameters accepted. */
  maxParameters: number;
}

/** The charsets a form body may declare: the body is decoded as UTF-8. */
const UTF8 = new Set(['utf-8', 'utf8']);

/** The declared `charset` parameter of a Content-Type, lowercased, if any. */
function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const equals = parameter.indexOf('=');
    if (equals !== -1 && parameter.slice(0, equals).trim().toLowerCase() === 'charset') {
      return parameter
        .slice(equals + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return undefined;
}

/** Reads the whole body up to `maxBytes`; longer is a 413 (the rest is never buffered). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(new OAuthError('invalid_request', 'request body too large', 413));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(new OAuthError('invalid_request', 'request body too large', 413));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size));
    };
    // The client went away (or broke the stream): nothing is answered to it anyway.
    const onError = () => {
      cleanup();
      reject(new OAuthError('invalid_request', 'request aborted'));
    };
    const onAborted = onError;
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * Parses `application/x-www-form-urlencoded` text (WHATWG URL rules: `+` is a space, a `%`
 * without two hex digits stays as text, bytes that are not UTF-8 become U+FFFD). A name
 * given twice keeps every value, as an array, so `formParam` can refuse it.
 */
export function parseForm(text: string, maxParameters: number): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    if (++count > maxParameters) throw new OAuthError('invalid_request', 'too many parameters');
    const previous = form[name];
    form[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return form;
}

/**
 * The form request of a protocol endpoint served without Express: headers, and the body
 * parsed when it is declared as a form in UTF-8 and not compressed (any other body is left
 * unread and `body` is undefined, like Express's parser). Refusals are OAuth errors: a body
 * over the limit is 413, an unsupported charset or encoding 415, too many parameters 400.
 * @example const form = await readForm(req, { maxBytes: 32 * 1024, maxParameters: 100 });
 */
export async function readForm(req: IncomingMessage, limits: FormLimits): Promise<FormRequest> {
  const get = (name: string): string | undefined => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const method = req.method ?? 'GET';
  const contentType = req.headers['content-type'];
  if (!isFormContentType(contentType)) return { method, get, body: undefined };
  const charset = charsetOf(contentType ?? '');
  if (charset !== undefined && !UTF8.has(charset)) throw new OAuthError('invalid_request', 'unsupported body charset', 415);
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new OAuthError('invalid_request', 'unsupported body encoding', 415);
  }
  const body = parseForm((await readBody(req, limits.maxBytes)).toString('utf8'), limits.maxParameters);
  return { method, get, body };
}
