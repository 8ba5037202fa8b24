import { AppError } from '#errors/index.ts';
import type { z } from 'zod';

/** What a request part is called in messages about its unknown keys. */
type RequestPart = 'field' | 'query parameter';

/** The first problem zod found, as the 400 message: the schemas phrase their own, naming the field. */
function firstProblem(error: z.ZodError, part: RequestPart): string {
  const [issue] = error.issues;
  if (issue === undefined) return 'invalid request';
  if (issue.code === 'unrecognized_keys') return `unknown ${part} ${issue.keys.join(', ')}`;
  return issue.message;
}

/**
 * Parses a JSON body (absent counts as `{}`), or throws BAD_REQUEST naming the first problem.
 * @example const body = parseBody(ZCreateUserRequest, req.body);
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new AppError('BAD_REQUEST', { message: firstProblem(parsed.error, 'field') });
  return parsed.data;
}

/**
 * Parses the query string (the app's `simple` parser: repeated parameters arrive as arrays,
 * which the schemas refuse), or throws BAD_REQUEST naming the first problem.
 * @example const query = parseQuery(ZListUsersQuery, req.query);
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new AppError('BAD_REQUEST', { message: firstProblem(parsed.error, 'query parameter') });
  return parsed.data;
}
