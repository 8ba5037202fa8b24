import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@dex/shared/testing';
import { type ChildService, startChild } from './child-process.ts';

/** A running oidc-provider (see oidc-provider-server.ts). */
export interface OidcProviderTarget {
  readonly issuer: string;
  readonly origin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The resource indicator whose access tokens are RS256 JWTs. */
  readonly jwtResource: string;
  readonly server: ChildService;
  /** Asks the server for `count` refresh tokens, each of its own grant. */
  newRefreshTokens(count: number): Promise<string[]>;
  stop(): Promise<void>;
}

interface ReadyMessage {
  type: 'ready';
  issuer: string;
  clientId: string;
  clientSecret: string;
  jwtResource: string;
}

interface TokensMessage {
  type: 'refresh-tokens';
  tokens?: string[];
  error?: string;
}

const SERVER_SCRIPT = fileURLToPath(new URL('./oidc-provider-server.ts', import.meta.url));
const TIMEOUT_MS = 60_000;

/** Waits for the next IPC message of `type` from the server (rejects if it exits first or after the timeout). */
function nextMessage<T extends { type: string }>(server: ChildService, type: T['type']): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      server.child.off('message', onMessage);
      server.child.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown }).type !== type) return;
      done();
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`oidc-provider exited (code ${code}) while the bench waited for "${type}"\n${server.logTail()}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`oidc-provider sent no "${type}" within ${TIMEOUT_MS} ms\n${server.logTail()}`));
    }, TIMEOUT_MS);
    server.child.on('message', onMessage);
    server.child.once('exit', onExit);
  });
}

/** Starts oidc-provider-server.ts as a child process with an IPC channel and waits until it listens. */
export async function startOidcProvider(options: { workDir: string }): Promise<OidcProviderTarget> {
  const port = await freePort();
  const server = startChild({
    name: 'oidc-provider',
    logFile: join(options.workDir, 'oidc-provider.log'),
    nodeArgs: ['--import', 'tsx', SERVER_SCRIPT, '--port', String(port)],
    ipc: true,
  });
  try {
    const ready = await nextMessage<ReadyMessage>(server, 'ready');
    return {
      issuer: ready.issuer,
      origin: new URL(ready.issuer).origin,
      clientId: ready.clientId,
      clientSecret: ready.clientSecret,
      jwtResource: ready.jwtResource,
      server,
      async newRefreshTokens(count) {
        const answer = nextMessage<TokensMessage>(server, 'refresh-tokens');
        server.child.send({ type: 'refresh-tokens', count });
        const { tokens, error } = await answer;
        if (tokens === undefined) throw new Error(`oidc-provider could not create refresh tokens: ${error ?? 'no answer'}`);
        return tokens;
      },
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
