import { createHash } from 'node:crypto';
import type { Route } from './router.ts';

/** A JSON document and how long caches may keep it. */
export interface JsonDocument {
  body: string;
  cacheControl: string;
}

/** Whether an `If-None-Match` value names `etag` (RFC 9110 §13.1.2: weak comparison, or `*`). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * A public JSON document (discovery, JWKS) for GET and HEAD: with `Cache-Control`, a strong
 * ETag (SHA-256 of the body, computed once per body) and `304 Not Modified` for a matching
 * `If-None-Match`; readable from browsers of the allowed origins and the clients' (CORS).
 * @example routes.set('/keys', jsonDocumentRoute(async () => ({ body, cacheControl })));
 */
export function jsonDocumentRoute(get: () => JsonDocument | Promise<JsonDocument>): Route {
  // The body's bytes and ETag, made once per body: a request then only copies bytes out.
  let tagged: { body: string; bytes: Buffer; etag: string } | undefined;
  return {
    methods: ['GET'],
    errors: 'json',
    cors: 'public',
    async handle(req, res) {
      const document = await get();
      if (tagged?.body !== document.body) {
        const bytes = Buffer.from(document.body, 'utf8');
        tagged = { body: document.body, bytes, etag: `"${createHash('sha256').update(bytes).digest('base64url')}"` };
      }
      res.setHeader('Cache-Control', document.cacheControl);
      res.setHeader('ETag', tagged.etag);
      if (matchesEtag(req.raw.headers['if-none-match'], tagged.etag)) {
        res.statusCode = 304;
        res.end();
        return;
      }
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Length', tagged.bytes.length);
      res.end(tagged.bytes);
    },
  };
}
