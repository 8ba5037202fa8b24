import type { FoundAuthCode } from '@dex/shared/domain/auth';
import type { ClientSummary } from '@dex/shared/domain/clients';

/** An authorization code exchange at the token endpoint, as its checks see it. */
export interface CodeExchange {
  /** The client, already authenticated. */
  client: ClientSummary;
  code: FoundAuthCode;
  /** The `redirect_uri` and `code_verifier` parameters, when given. */
  redirectUri: string | undefined;
  codeVerifier: string | undefined;
  now: Date;
}

/** One rule of the code exchange: throws `invalid_grant` when the exchange breaks it. */
export type CodeExchangeCheck = (exchange: CodeExchange) => void;
