import { AppError } from '#errors/index.ts';
import { redirectUriProblem } from './types.ts';

/** The settings of a client that must agree with each other. */
export interface ClientSettings {
  name: string;
  isPublic: boolean;
  redirectUris: readonly string[];
}

/**
 * Checks the rules a client's settings must keep after any change, with the messages
 * `createClient` uses: a public client needs a name, a confidential client at least one
 * redirect URI, and every redirect URI must be an absolute http(s) URL without a fragment.
 * Throws BAD_REQUEST naming the broken rule; for redirect URIs, every bad one at once
 * (`invalid redirect URIs: "a" …; "b" …`), so a form can show each next to its line.
 * @example checkClientSettings({ name: 'CLI', isPublic: true, redirectUris: [] }) // passes
 */
export function checkClientSettings(settings: ClientSettings): void {
  if (settings.isPublic && settings.name.trim() === '') throw new AppError('BAD_REQUEST', { message: 'a public client needs a name' });
  if (!settings.isPublic && settings.redirectUris.length === 0) {
    throw new AppError('BAD_REQUEST', { message: 'at least one redirect URI is required' });
  }
  const problems = settings.redirectUris.map(redirectUriProblem).filter((problem) => problem !== undefined);
  if (problems.length === 1) throw new AppError('BAD_REQUEST', { message: `invalid redirect URI: ${problems[0]}` });
  if (problems.length > 1) throw new AppError('BAD_REQUEST', { message: `invalid redirect URIs: ${problems.join('; ')}` });
}
