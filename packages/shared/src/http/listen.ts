import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SERVER_TIMEOUTS, type ServerTimeouts } from '#config/server-timeouts.ts';
import { AppError } from '#errors/index.ts';
import { clientErrorAnswer } from './client-error.ts';

export interface ListeningServer {
  readonly server: Server;
  /** The base URL actually bound (with the real port when 0 was asked for). */
  readonly url: URL;
  /**
   * Drains: stops accepting connections, closes idle keep-alive ones (and each one whose
   * request in flight is answered: those answers carry `Connection: close`), waits for the
   * rest for at most the shutdown timeout, then cuts whatever is left.
   */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** `http://host:port` or `https://host:port`; port 0 picks a free port. */
  listen: URL;
  handler: RequestListener;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Header, request and shutdown timeouts (defaults: 10 s, 30 s, 10 s). */
  timeouts?: Readonly<ServerTimeouts>;
  /** The JSON body of an answer to a request Node could not parse or that came too slowly. */
  clientErrorBody?: (description: string) => unknown;
}

/**
 * Starts an HTTP(S) server on a listen URL. HTTPS needs the certificate and key files.
 * @example const http = await listenOn({ listen: new URL('http://127.0.0.1:0'), handler: app });
 */
export async function listenOn(options: ListenOptions): Promise<ListeningServer> {
  const { listen } = options;
  const timeouts = options.timeouts ?? DEFAULT_SERVER_TIMEOUTS;
  let closing = false;
  // Answers not yet started when a drain begins tell their clients the connection ends.
  const unanswered = new Set<ServerResponse>();
  const handler: RequestListener = (req, res) => {
    if (closing) res.setHeader('Connection', 'close');
    else {
      unanswered.add(res);
      res.once('close', () => unanswered.delete(res));
    }
    options.handler(req, res);
  };
  // Node checks the header and request deadlines on a timer (every 30 s by default, which let a
  // slow client hold a connection for 66 s instead of 60): check often enough to be on time.
  const serverOptions = {
    headersTimeout: timeouts.headerTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(timeouts.headerTimeoutMs / 5))),
    keepAliveTimeout: 5_000,
  };
  let server: Server;
  if (listen.protocol === 'https:') {
    if (options.tlsCertFile === undefined || options.tlsKeyFile === undefined) {
      throw new AppError('INVALID_CONFIG', { message: 'an https listen address needs --tls-cert-file and --tls-key-file' });
    }
    server = createHttpsServer(
      { ...serverOptions, cert: readFileSync(options.tlsCertFile), key: readFileSync(options.tlsKeyFile) },
      handler,
    ) as unknown as Server;
  } else {
    server = createHttpServer(serverOptions, handler);
  }
  if (options.clientErrorBody !== undefined) server.on('clientError', clientErrorAnswer(options.clientErrorBody));
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
    close() {
      closing = true;
      for (const res of unanswered) if (!res.headersSent) res.setHeader('Connection', 'close');
      return drain(server, timeouts.shutdownTimeoutMs);
    },
  };
}

/** See {@link ListeningServer.close}. Node stops checking the request deadlines once closed: the drain's own deadline bounds it. */
function drain(server: Server, deadlineMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), deadlineMs);
    server.close((error) => {
      clearInterval(sweep);
      clearTimeout(cut);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}
