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

  constructor(options: ConnectorRegistryOptions) {
    this.#options = options;
  }

  /** Every usable connector, in login-page order. */
  async list(now = Date.now()): Promise<readonly Connector[]> {
    if (this.#version !== null && now - this.#checkedAt < (this.#options.checkEveryMs ?? 1_000)) return this.#connectors;
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
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
