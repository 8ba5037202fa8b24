import { isUtf8 } from 'node:buffer';
import { OAuthError } from '@dex/shared/errors';
import { hasUnstorableCharacter } from '@dex/shared/http';

/**
 * Request parameters by name, from a query string or a form body. A name given more than
 * once keeps every value, as an array, so that `param` can refuse it.
 */
export type Params = Readonly<Record<string, string | readonly string[]>>;

/** The limits every parameter list of the worker is read with (query strings and bodies alike). */
export interface ParamLimits {
  /** Most parameters in one query string or body. */
  maxParameters: number;
  /** Longest name or value, in characters. Longer input is refused, not cut. */
  maxValueLength: number;
}

export const PARAM_LIMITS: ParamLimits = { maxParameters: 100, maxValueLength: 8 * 1024 };

/** No parameters. */
export const NO_PARAMS: Params = Object.freeze(Object.create(null) as Record<string, string>);

/**
 * Refuses text that no store can keep or that no honest client sends: a NUL character
 * (PostgreSQL refuses it in text), a lone surrogate (not Unicode), or more than `maxLength`
 * characters. Everything the worker reads from a request passes here before any lookup.
 * @example checkStorable(value, 'state', PARAM_LIMITS.maxValueLength);
 */
export function checkStorable(text: string, what: string, maxLength: number): void {
  if (text.length > maxLength) throw new OAuthError('invalid_request', `${what} is too long`);
  if (hasUnstorableCharacter(text)) throw new OAuthError('invalid_request', `${what} contains a character that is not allowed`);
}

/** The value of an ASCII hex digit byte, or -1. */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/**
 * Decodes one `application/x-www-form-urlencoded` component (WHATWG URL: `+` is a space, a
 * `%` without two hex digits stays as it is). Unlike `URLSearchParams`, percent-encoded bytes
 * that are not UTF-8 are refused instead of becoming U+FFFD.
 */
function decodeComponent(raw: string, what: string): string {
  const text = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!text.includes('%')) return text;
  const input = Buffer.from(text, 'utf8');
  const output = Buffer.allocUnsafe(input.length);
  let length = 0;
  for (let index = 0; index < input.length; index++) {
    const byte = input[index] ?? 0;
    const high = byte === 0x25 ? hexValue(input[index + 1] ?? 0) : -1;
    const low = high === -1 ? -1 : hexValue(input[index + 2] ?? 0);
    if (low === -1) {
      output[length++] = byte;
    } else {
      output[length++] = high * 16 + low;
      index += 2;
    }
  }
  const bytes = output.subarray(0, length);
  if (!isUtf8(bytes)) throw new OAuthError('invalid_request', `${what} is not valid UTF-8`);
  return bytes.toString('utf8');
}

/**
 * Parses `application/x-www-form-urlencoded` text: a query string or a form body. Every name
 * and value is checked (`checkStorable`, valid UTF-8); more than `maxParameters` is refused.
 * @example const query = parseParams('client_id=app&scope=openid+email', PARAM_LIMITS);
 */
export function parseParams(text: string, limits: ParamLimits = PARAM_LIMITS): Params {
  const params = Object.create(null) as Record<string, string | string[]>;
  if (text === '') return params;
  let count = 0;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    if (++count > limits.maxParameters) throw new OAuthError('invalid_request', 'too many parameters');
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals), 'a parameter name');
    checkStorable(name, 'a parameter name', limits.maxValueLength);
    const value = equals === -1 ? '' : decodeComponent(pair.slice(equals + 1), `parameter ${name}`);
    checkStorable(value, `parameter ${name}`, limits.maxValueLength);
    const previous = params[name];
    params[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous as string, value];
  }
  return params;
}

/**
 * One parameter. An empty value counts as absent (RFC 6749 §3.1); a repeated one is
 * `invalid_request`, since "request and response parameters MUST NOT be included more than
 * once".
 * @example const token = param(req.form, 'token');
 */
export function param(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OAuthError('invalid_request', `parameter ${name} was given more than once`);
  return value === '' ? undefined : value;
}

/**
 * A parameter the request must carry: absent (or empty) is `invalid_request`.
 * @example const token = requiredParam(req.form, 'token');
 */
export function requiredParam(params: Params, name: string): string {
  const value = param(params, name);
  if (value === undefined) throw new OAuthError('invalid_request', `missing required parameter: ${name}`);
  return value;
}

/**
 * Every parameter, each given at most once: a repeated one is `invalid_request` (RFC 6749
 * §3.1), as `param` says for one.
 * @example const params = singleParams(req.params);
 */
export function singleParams(params: Params): Readonly<Record<string, string>> {
  const single: Record<string, string> = {};
  for (const name of Object.keys(params)) {
    const value = params[name];
    if (typeof value !== 'string') throw new OAuthError('invalid_request', `The parameter "${name}" was given more than once.`);
    single[name] = value;
  }
  return single;
}
