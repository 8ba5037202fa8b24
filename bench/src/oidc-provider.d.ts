/**
 * The few parts of oidc-provider (panva, 9.x, which ships no type declarations) that the
 * bench uses.
 */
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  export type Configuration = Record<string, unknown>;

  interface StoredModel {
    /** Stores the model and returns its value (token string or id). */
    save(): Promise<string>;
  }

  interface GrantModel extends StoredModel {
    addOIDCScope(scope: string): void;
  }

  export interface ClientModel {
    readonly clientId: string;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    /** Provider is a Koa application. */
    listen(port: number, host: string, callback?: () => void): Server;
    on(event: string, listener: (...args: never[]) => void): this;
    readonly Client: { find(id: string): Promise<ClientModel | undefined> };
    readonly Grant: new (fields: {
      accountId: string;
      clientId: string;
    }) => GrantModel;
    readonly RefreshToken: new (
      fields: Record<string, unknown>,
    ) => StoredModel;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };
}
