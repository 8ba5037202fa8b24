import { OAuthError } from './oauth-error.ts';

/**
 * What the protocol endpoints read from a request: its method, headers (`get`, as Express's
 * `req.get`) and the parsed form body. An Express request is one; so is what `readForm`
 * makes for the endpoints served without Express.
 */
export interface FormRequest {
  readonly method: string;
  get(name: string): string | undefined;
  /** The parsed `application/x-www-form-urlencoded` body (repeated names as arrays), if any. */
  readonly body: unknown;
}

/**
 * One parameter of a form-encoded request body. An empty value counts as absent (RFC 6749
 * §3.1); a repeated one is `invalid_request`, since "request and response parameters MUST
 * NOT be included more than once". Without a parsed form body every parameter is absent.
 * @example const token = formParam(req, 'token');
 */
export function formParam(req: Pick<FormRequest, 'body'>, name: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(value)) throw new OAuthError('invalid_request', `parameter ${name} was given more than once`);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/** Whether a `Content-Type` value names a form body (parameters aside, any case). */
export function isFormContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase() === FORM_TYPE;
}

/** Whether a request carries an `application/x-www-form-urlencoded` body (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1). */
export function isFormRequest(req: Pick<FormRequest, 'get'>): boolean {
  return isFormContentType(req.get('content-type'));
}
