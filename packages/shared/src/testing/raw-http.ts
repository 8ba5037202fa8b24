import { connect } from 'node:net';

/** What a server sent on a raw connection, and when it closed it. */
export interface RawExchange {
  /** Everything received (status line, headers, body). */
  text: string;
  /** The status of the first response, or null if none came. */
  status: number | null;
  /** Milliseconds from the connection to its close by the server (or to the give-up). */
  ms: number;
  /** Whether the server closed the connection before `timeoutMs`. */
  closed: boolean;
}

/**
 * A slow client: connects to `port`, writes `head`, then one character of `drip` every
 * `gapMs` (until it is all sent or the server closes the connection), and resolves once the
 * server closes the connection, or after `timeoutMs` (then `closed` is false).
 * @example const { status, ms } = await trickle({ port, head: 'POST /dex/token HTTP/1.1\r\n', drip: 'x'.repeat(100), gapMs: 100, timeoutMs: 5_000 });
 */
export function trickle(options: { port: number; head: string; drip?: string; gapMs?: number; timeoutMs: number }): Promise<RawExchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(options.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sent = 0;
    const drip = options.drip ?? '';
    let dripper: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearInterval(dripper);
      clearTimeout(giveUp);
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ text, status: status === undefined ? null : Number(status), ms: performance.now() - started, closed });
    };
    const giveUp = setTimeout(() => {
      socket.removeAllListeners('close');
      socket.destroy();
      finish(false);
    }, options.timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Writes after the server closed its side fail with EPIPE or ECONNRESET: that is the point.
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.write(options.head);
      dripper = setInterval(() => {
        if (sent >= drip.length || socket.destroyed) {
          clearInterval(dripper);
          return;
        }
        socket.write(drip[sent] ?? '');
        sent++;
      }, options.gapMs ?? 100);
    });
  });
}
