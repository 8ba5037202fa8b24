import { basicAuth } from './flows.ts';

/**
 * POSTs a form to a URL, with a client's Basic credentials unless `client` is null, and
 * any extra headers (which win over the defaults).
 */
export function postForm(
  url: string,
  client: { id: string; secret: string } | null,
  params: Record<string, string> | URLSearchParams,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(client === null ? {} : { authorization: basicAuth(client) }),
      ...headers,
    },
    body: params instanceof URLSearchParams ? params : new URLSearchParams(params),
  });
}

/** A form with more parameters than the worker's parser accepts (100). */
export function tooManyParams(base: Record<string, string>): URLSearchParams {
  const params = new URLSearchParams(base);
  for (let i = 0; i < 150; i++) params.append(`p${i}`, 'x');
  return params;
}
