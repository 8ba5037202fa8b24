import { OAuthError } from '@dex/shared/errors';
import type { CodeExchangeCheck } from './code-exchange.ts';

/** The code is still valid (it lives a minute, RFC 6749 §4.1.2 recommends at most ten). */
export const checkCodeExpiry: CodeExchangeCheck = ({ code, now }) => {
  if (code.expiresAt.getTime() <= now.getTime()) throw new OAuthError('invalid_grant', 'the authorization code is invalid or expired');
};
