import type { PrismaDb } from '@dex/shared/db';
import { connectorConfigsVersion, listConnectorConfigs, type TConnectorConfig } from '@dex/shared/domain/connectors';
import type { Logger } from '@dex/shared/logging';
import type { Connector, ConnectorContext } from './types.ts';

export type BuildConnector = (config: TConnectorConfig, context: ConnectorContext) => Connector | null;

export interface ConnectorRegistryOptions {
  prisma: PrismaDb;
  context: ConnectorContext;
  build: BuildConnector;
  logger: Logger;
  /** How often the worker may check the database for connector changes (default 1 s). */
  checkEveryMs?: number;
  /** How long a connector's health, as the login page saw it, is reused (default 10 s). */
  healthMaxAgeMs?: number;
  /** How long the login page waits for a connector's health check before calling it unavailable (default 1.5 s). */
  healthWaitMs?: number;
}

interface SeenHealth {
  ok: boolean;
  at: number;
}

/**
 * The connectors of a running worker, read from the database and rebuilt when an admin
 * changes them (a cheap version query at most once per `checkEveryMs`), so changes reach
 * running workers without a restart. Order is the login-page order.
 */
export class ConnectorRegistry {
  readonly #options: ConnectorRegistryOptions;
  #connectors: Connector[] = [];
  #version: string | null = null;
  #checkedAt = 0;
  #refreshing: Promise<Connector[]> | null = null;
  readonly #health = new WeakMap<Connector, SeenHealth>();
  readonly #checking = new WeakMap<Connector, Promise<boolean>>();

  constructor(options: ConnectorRegistryOptions) {
    this.#options = options;
  }

  /**
   * Every usable connector, in login-page order. While there is none, every call checks the
   * database again: a deployment being set up gets its first connector at once, not a second
   * later (the 503 "Login unavailable" is no answer worth caching).
   */
  async list(now = Date.now()): Promise<readonly Connector[]> {
    const fresh = now - this.#checkedAt < (this.#options.checkEveryMs ?? 1_000);
    if (this.#version !== null && fresh && this.#connectors.length > 0) return this.#connectors;
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /**
   * Whether each connector can log users in now, for the login page: its health check (an
   * upstream discovery, an LDAP bind), run at most once per `healthMaxAgeMs` and awaited at most
   * `healthWaitMs` (a check still running then counts as unavailable this time). A connector
   * without a check is available.
   */
  async availability(connectors: readonly Connector[], now = Date.now()): Promise<ReadonlyMap<string, boolean>> {
    const wait = this.#options.healthWaitMs ?? 1_500;
    const entries = await Promise.all(
      connectors.map(async (connector): Promise<[string, boolean]> => {
        const seen = this.#health.get(connector);
        if (seen !== undefined && now - seen.at < (this.#options.healthMaxAgeMs ?? 10_000)) return [connector.id, seen.ok];
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), wait);
        });
        const ok = await Promise.race([this.#check(connector), late]);
        clearTimeout(timer);
        return [connector.id, ok];
      }),
    );
    return new Map(entries);
  }

  #check(connector: Connector): Promise<boolean> {
    let pending = this.#checking.get(connector);
    if (pending === undefined) {
      pending = (connector.checkHealth?.() ?? Promise.resolve())
        .then(
          () => true,
          () => false,
        )
        .then((ok) => {
          this.#health.set(connector, { ok, at: Date.now() });
          this.#checking.delete(connector);
          return ok;
        });
      this.#checking.set(connector, pending);
    }
    return pending;
  }

  async find(id: string): Promise<Connector | undefined> {
    return (await this.list()).find((connector) => connector.id === id);
  }

  async #refresh(): Promise<Connector[]> {
    const { prisma, logger } = this.#options;
    const version = await connectorConfigsVersion(prisma);
    this.#checkedAt = Date.now();
    if (version === this.#version) return this.#connectors;
    const configs = await listConnectorConfigs(prisma);
    const connectors: Connector[] = [];
    for (const config of configs) {
      const connector = this.#options.build(config, this.#options.context);
      if (connector === null)
        logger.warn({ connectorId: config.id, type: config.type }, 'connector type not supported by this worker; skipped');
      else connectors.push(connector);
    }
    this.#connectors = connectors;
    this.#version = version;
    logger.info({ connectors: connectors.map((c) => c.id) }, 'connectors loaded');
    return connectors;
  }
}
