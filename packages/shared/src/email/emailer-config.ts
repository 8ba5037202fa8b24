import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** dex v0's `fake` emailer: messages go to the log (development only: the links in them are live). */
const ZFakeEmailer = z.strictObject({
  type: z.literal('fake'),
  from: z.string().min(1).optional(),
});

/**
 * dex v0's `smtp` emailer (v0 §8): implicit TLS on port 465, STARTTLS wherever the server
 * offers it (required on 587). `username` and `password` are both set (PLAIN/LOGIN) or both
 * left out. `from` is required.
 */
const ZSmtpEmailer = z
  .strictObject({
    type: z.literal('smtp'),
    host: z.string({ error: 'host is required' }).min(1, { error: 'host is required' }),
    port: z.number({ error: 'port must be a number' }).int().min(1).max(65_535, { error: 'port must be 1-65535' }).default(587),
    username: z.string().optional(),
    password: z.string().optional(),
    from: z.string({ error: 'from is required' }).min(1, { error: 'from is required' }),
    /** PEM file of a CA to trust besides the system's (a private mail relay). */
    caFile: z.string().min(1).optional(),
  })
  .refine((cfg) => (cfg.username === undefined) === (cfg.password === undefined), {
    message: 'username and password must both be set or both be left out',
  });

export const ZEmailerConfig = z.discriminatedUnion('type', [ZFakeEmailer, ZSmtpEmailer], {
  error: (issue) => (issue.code === 'invalid_union' ? 'type must be "fake" or "smtp"' : undefined),
});
export type TEmailerConfig = z.infer<typeof ZEmailerConfig>;

/**
 * Parses an emailer config (the JSON of `--email-cfg`). Throws an Error whose message names
 * the problem (`smtp: host is required`), never the password.
 * @example parseEmailerConfig('{"type":"smtp","host":"mail.example","port":587,"from":"dex@example"}')
 */
export function parseEmailerConfig(text: string): TEmailerConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('is not valid JSON');
  }
  const parsed = ZEmailerConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    throw new Error(`${path}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * Reads and parses the `--email-cfg` file, failing with a readable message at start.
 * @example const config = readEmailerConfig('/etc/dex/emailer.json');
 */
export function readEmailerConfig(path: string): TEmailerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return parseEmailerConfig(text);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
