import { OAuthError } from '@dex/shared/errors';
import type { CodeExchangeCheck } from './code-exchange.ts';

/**
 * The code was issued to the authenticated client (RFC 6749 §4.1.3). Checked before the code
 * is touched: another client's request neither spends it nor revokes what it issued.
 */
export const checkCodeClient: CodeExchangeCheck = ({ client, code }) => {
  if (code.session.clientId !== client.id) throw new OAuthError('invalid_grant', 'the authorization code was issued to another client');
};
