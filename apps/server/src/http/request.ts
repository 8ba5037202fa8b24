import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { OAuthError } from '@dex/shared/errors';
import { NO_PARAMS, type Params, parseParams } from './params.ts';

/**
 * The one request type of the worker's routes, pages and protocol endpoints alike: the
 * method, the path, the query and body parameters (each checked when read: valid UTF-8, no NUL,
 * not too long, see `params.ts`), headers and cookies. The router makes it and reads the body
 * the route accepts before the handler runs.
 */
export class WorkerRequest {
  readonly raw: IncomingMessage;
  readonly method: string;
  /** The request path, as sent (percent-encoding kept), without the query. */
  readonly path: string;
  /** For a prefix route (`/auth/*`): the rest of the path after the prefix, as sent. */
  subpath = '';
  /** The form parameters of the body, when the route reads forms and one was sent. */
  form: Params = NO_PARAMS;
  /** The JSON value of the body, when the route reads JSON and it was sent. */
  json: unknown = undefined;
  /** Whether a body of the kind the route reads was sent and read. */
  hasBody = false;
  readonly #rawQuery: string;
  readonly #addressOf: ClientAddressOf;
  #clientAddress: string | undefined;
  #query: Params | undefined;
  #cookies: ReadonlyMap<string, string> | undefined;

  constructor(raw: IncomingMessage, path: string, rawQuery: string, addressOf: ClientAddressOf = socketAddress) {
    this.raw = raw;
    this.method = raw.method ?? 'GET';
    this.path = path;
    this.#rawQuery = rawQuery;
    this.#addressOf = addressOf;
  }

  /**
   * The query parameters, parsed on first use. Bytes outside ASCII that a client sent without
   * percent-encoding are read as UTF-8 (Node hands the request line over as Latin-1).
   */
  get query(): Params {
    if (this.#query === undefined) {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the point.
      const raw = /[^\u0000-\u007f]/.test(this.#rawQuery) ? utf8FromLatin1(this.#rawQuery) : this.#rawQuery;
      this.#query = raw === '' ? NO_PARAMS : parseParams(raw);
    }
    return this.#query;
  }

  /** The parameters of the request: the form body of a POST, else the query (OIDC Core §3.1.2.1). */
  get params(): Params {
    return this.method === 'POST' ? this.form : this.query;
  }

  /** A request header (case-insensitive name); repeated headers joined with `, `. */
  header(name: string): string | undefined {
    const value = this.raw.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** A cookie's value (percent-decoded), if the request carries it and it decodes. */
  cookie(name: string): string | undefined {
    this.#cookies ??= parseCookies(this.raw.headers.cookie);
    return this.#cookies.get(name);
  }

  /** The client's address as the socket sees it. */
  get remoteAddress(): string {
    return socketAddress(this.raw);
  }

  /**
   * The client's address: the socket's, or behind trusted proxies (`--trusted-proxies`) the
   * one they forwarded in `X-Forwarded-For` (see `client-address.ts`). What per-client limits count.
   */
  get clientAddress(): string {
    this.#clientAddress ??= this.#addressOf(this.raw);
    return this.#clientAddress;
  }
}

/** How a request's client address is found (see `trustedProxyAddress`). */
export type ClientAddressOf = (raw: IncomingMessage) => string;

function socketAddress(raw: IncomingMessage): string {
  return raw.socket.remoteAddress ?? 'unknown';
}

function utf8FromLatin1(text: string): string {
  const bytes = Buffer.from(text, 'latin1');
  if (!isUtf8(bytes)) throw new OAuthError('invalid_request', 'the query is not valid UTF-8');
  return bytes.toString('utf8');
}

/** The cookies of a `Cookie` header; the first of two with one name wins, as browsers send the more specific first. */
function parseCookies(header: string | undefined): ReadonlyMap<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals === -1) continue;
    const name = part.slice(0, equals).trim();
    if (cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(equals + 1).trim()));
    } catch {
      // A value that is not valid percent-encoding is no cookie of ours.
    }
  }
  return cookies;
}
