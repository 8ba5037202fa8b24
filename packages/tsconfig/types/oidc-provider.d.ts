/**
 * The parts of panva's oidc-provider (9.x, which ships no type declarations) that our tests,
 * end-to-end fixtures and the bench use: one declaration, included by each of their
 * tsconfig.json files.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, Server, ServerResponse } from 'node:http';

  export type Configuration = Record<string, unknown>;

  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: { name: string; details: Record<string, unknown> };
    readonly params: Record<string, unknown>;
    readonly session?: { accountId?: string };
    readonly grantId?: string;
  }

  interface StoredModel {
    /** Stores the model and returns its value (token string or id). */
    save(): Promise<string>;
    /** Removes the model from the adapter (a destroyed grant invalidates the tokens issued from it). */
    destroy(): Promise<void>;
  }

  interface GrantModel extends StoredModel {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: readonly string[]): void;
    addResourceScope(indicator: string, scope: string): void;
  }

  export interface ClientModel {
    readonly clientId: string;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    /** Provider is a Koa application: this is its Node request listener. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    listen(port: number, host: string, callback?: () => void): Server;
    on(event: string, listener: (...args: never[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    readonly Client: { find(id: string): Promise<ClientModel | undefined> };
    readonly Grant: {
      new (fields: { accountId: string; clientId: string }): GrantModel;
      find(id: string): Promise<GrantModel | undefined>;
    };
    readonly RefreshToken: new (
      fields: Record<string, unknown>,
    ) => StoredModel;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };
}
