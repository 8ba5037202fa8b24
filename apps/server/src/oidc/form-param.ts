import type { Request } from 'express';
import { OAuthError } from './oauth-error.ts';

/**
 * One parameter of a form-encoded request body. An empty value counts as absent (RFC 6749
 * §3.1); a repeated one is `invalid_request`, since "request and response parameters MUST
 * NOT be included more than once". Without a parsed form body every parameter is absent.
 * @example const token = formParam(req, 'token');
 */
export function formParam(req: Request, name: string): string | undefined {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(value)) throw new OAuthError('invalid_request', `parameter ${name} was given more than once`);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Whether a request carries an `application/x-www-form-urlencoded` body (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1). */
export function isFormRequest(req: Request): boolean {
  return req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}
