import type { Duplex } from 'node:stream';

const CLIENT_ERROR_STATUS: Readonly<Record<string, readonly [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request header fields too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'the request took too long'],
  HPE_URI_TOO_LONG: [414, 'URI Too Long', 'request target too long'],
};

/**
 * A handler for Node's `clientError`: a request that could not even be parsed (headers over
 * the size limit, a malformed request line) or did not arrive in time (`headersTimeout`,
 * `requestTimeout`). Answers it with the program's standard JSON error body (`body` gets the
 * description) and closes the connection.
 * @example server.on('clientError', clientErrorAnswer((description) => ({ error: 'invalid_request', error_description: description })));
 */
export function clientErrorAnswer(body: (description: string) => unknown): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    // As Node's own handler: nothing is written where a response is already under way (its
    // `_httpMessage`), or to a socket that cannot take it.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || error.code === 'ECONNRESET' || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const [status, reason, description] = CLIENT_ERROR_STATUS[error.code ?? ''] ?? [400, 'Bad Request', 'malformed request'];
    const json = JSON.stringify(body(description));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${json}`,
    );
  };
}
