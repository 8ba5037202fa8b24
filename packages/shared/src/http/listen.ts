import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { AppError } from '#errors/index.ts';

export interface ListeningServer {
  readonly server: Server;
  /** The base URL actually bound (with the real port when 0 was asked for). */
  readonly url: URL;
  /** Stops accepting connections, ends idle keep-alive connections and waits for the rest. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** `http://host:port` or `https://host:port`; port 0 picks a free port. */
  listen: URL;
  handler: RequestListener;
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/**
 * Starts an HTTP(S) server on a listen URL. HTTPS needs the certificate and key files.
 * @example const http = await listenOn({ listen: new URL('http://127.0.0.1:0'), handler: app });
 */
export async function listenOn(options: ListenOptions): Promise<ListeningServer> {
  const { listen } = options;
  let server: Server;
  if (listen.protocol === 'https:') {
    if (options.tlsCertFile === undefined || options.tlsKeyFile === undefined) {
      throw new AppError('INVALID_CONFIG', { message: 'an https listen address needs --tls-cert-file and --tls-key-file' });
    }
    server = createHttpsServer(
      { cert: readFileSync(options.tlsCertFile), key: readFileSync(options.tlsKeyFile) },
      options.handler,
    ) as unknown as Server;
  } else {
    server = createHttpServer(options.handler);
  }
  server.keepAliveTimeout = 5_000;
  const host = listen.hostname.replace(/^\[|\]$/g, '');
  const port = listen.port === '' ? (listen.protocol === 'https:' ? 443 : 80) : Number(listen.port);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new AppError('INVALID_CONFIG', {
          message: `cannot listen on ${listen.origin}: ${error.code === 'EADDRINUSE' ? 'address already in use' : error.message}`,
          cause: error,
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = new URL(listen.origin);
  url.port = String(address.port);
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
