import { basic, type HttpsClient } from './https-client.ts';

/** One request of a chain: when it ran and what came back. */
interface Sent {
  startedAt: number;
  endedAt: number;
  /** `200`, `503`, ..., or `error:<code>` / `error:timeout` when no answer came. */
  outcome: string;
}

/** A fault the scenario caused, as an interval of time (a `kill -9` is an instant). */
export interface Fault {
  name: string;
  from: number;
  to: number;
}

export interface Figures {
  requests: number;
  byOutcome: Record<string, number>;
  /** Chains refused with invalid_grant whose last unanswered or failed request was in flight at a fault. */
  chainsBrokenAtFault: number;
  /** Chains refused with invalid_grant for any other reason: the suite asserts there are none. */
  chainsBroken: number;
  /** Live chains whose last refresh token (received in a 200) no longer works after the faults. */
  tokensLost: number;
  /** From the end of the last fault to the moment every live chain had been answered 200 again. */
  recoverSeconds: number;
  /** Requests that got no answer within the client's deadline (a hang). */
  hangs: number;
  /** Token answers 503 that were not RFC 6749 JSON `temporarily_unavailable` with `Retry-After`. */
  bad503: number;
  /** Every ID token received. */
  idTokens: string[];
}

interface Chain {
  token: string;
  broken: 'no' | 'at-fault' | 'outside';
  history: Sent[];
  lastOkAt: number;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * Real refresh-token chains through nginx, back to back: each chain always presents the token
 * its last 200 answer returned. A request that fails without a definite answer (a 5xx, a reset
 * connection) keeps the token and is retried after a short pause; a retry of a token the
 * worker did spend before it died is a reuse and revokes the family, which counts as broken
 * at the fault only when that request was in flight at a fault.
 */
export class RefreshLoad {
  readonly #client: HttpsClient;
  readonly #path: string;
  readonly #authorization: string;
  readonly #chains: Chain[];
  readonly #faults: Fault[] = [];
  readonly #idTokens: string[] = [];
  #stopping = false;
  #bad503 = 0;
  #running: Promise<void> | undefined;

  constructor(options: { client: HttpsClient; issuerPath: string; clientId: string; clientSecret: string; tokens: readonly string[] }) {
    this.#client = options.client;
    this.#path = `${options.issuerPath}/token`;
    this.#authorization = basic(options.clientId, options.clientSecret);
    this.#chains = options.tokens.map((token) => ({ token, broken: 'no', history: [], lastOkAt: 0 }));
  }

  start(): void {
    this.#running = Promise.all(this.#chains.map((chain) => this.#drive(chain))).then(() => undefined);
  }

  /** Records a fault (call `to` with the time it was repaired, or the same instant for a kill). */
  fault(fault: Fault): void {
    this.#faults.push(fault);
  }

  async #drive(chain: Chain): Promise<void> {
    while (!this.#stopping && chain.broken === 'no') await this.#refresh(chain);
  }

  /** One refresh of a chain; returns the outcome. */
  async #refresh(chain: Chain): Promise<string> {
    const startedAt = Date.now();
    const answer = await this.#client.send('POST', this.#path, {
      headers: { 'content-type': FORM, authorization: this.#authorization },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: chain.token }).toString(),
      timeoutMs: 10_000,
    });
    const endedAt = Date.now();
    const outcome = answer.error === undefined ? String(answer.status) : `error:${answer.error}`;
    chain.history.push({ startedAt, endedAt, outcome });
    if (answer.status === 200) {
      const json = JSON.parse(answer.body) as { refresh_token: string; id_token: string };
      chain.token = json.refresh_token;
      chain.lastOkAt = endedAt;
      // The first 4,999 for verification, and always the latest in the last place (which key signs now).
      if (this.#idTokens.length < 5_000) this.#idTokens.push(json.id_token);
      else this.#idTokens[this.#idTokens.length - 1] = json.id_token;
      return outcome;
    }
    if (answer.status === 503 && !isTemporarilyUnavailable(answer)) this.#bad503++;
    if (answer.status === 400 && answer.body.includes('"invalid_grant"')) {
      chain.broken = this.#failedAtFault(chain) ? 'at-fault' : 'outside';
      return outcome;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    return outcome;
  }

  /** Whether one of the chain's requests since its last 200 failed and was in flight at a fault. */
  #failedAtFault(chain: Chain): boolean {
    return chain.history.some(
      (sent) =>
        sent.outcome !== '200' &&
        sent.startedAt >= chain.lastOkAt - 1 &&
        this.#faults.some((fault) => sent.startedAt <= fault.to && sent.endedAt >= fault.from),
    );
  }

  /** Waits until every live chain has been answered 200 after `since` (or the timeout), and returns when that was. */
  async settled(since: number, timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const live = this.#chains.filter((chain) => chain.broken === 'no');
      if (live.every((chain) => chain.lastOkAt > since)) return Math.max(...live.map((chain) => chain.lastOkAt));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the chains did not all recover within ${timeoutMs} ms: ${JSON.stringify(this.#count())}`);
  }

  #count(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const chain of this.#chains) for (const sent of chain.history) counts[sent.outcome] = (counts[sent.outcome] ?? 0) + 1;
    return counts;
  }

  /** Stops the chains, proves every live chain's last token still works, and returns the figures. */
  async stop(recoveredAt: number): Promise<Figures> {
    this.#stopping = true;
    await this.#running;
    let tokensLost = 0;
    for (const chain of this.#chains.filter((c) => c.broken === 'no')) {
      if ((await this.#refresh(chain)) !== '200') tokensLost++;
    }
    const byOutcome = this.#count();
    const lastFaultEnd = Math.max(...this.#faults.map((fault) => fault.to));
    return {
      requests: Object.values(byOutcome).reduce((sum, n) => sum + n, 0),
      byOutcome,
      chainsBrokenAtFault: this.#chains.filter((chain) => chain.broken === 'at-fault').length,
      chainsBroken: this.#chains.filter((chain) => chain.broken === 'outside').length,
      tokensLost,
      recoverSeconds: Math.max(0, recoveredAt - lastFaultEnd) / 1000,
      hangs: byOutcome['error:timeout'] ?? 0,
      bad503: this.#bad503,
      idTokens: [...this.#idTokens],
    };
  }

  /** The outcomes of the requests that started inside [from, to]. */
  outcomesBetween(from: number, to: number): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const chain of this.#chains) {
      for (const sent of chain.history)
        if (sent.startedAt >= from && sent.startedAt <= to) counts[sent.outcome] = (counts[sent.outcome] ?? 0) + 1;
    }
    return counts;
  }
}

function isTemporarilyUnavailable(answer: { headers: Record<string, string | string[] | undefined>; body: string }): boolean {
  try {
    return (
      answer.headers['retry-after'] !== undefined &&
      String(answer.headers['content-type']).startsWith('application/json') &&
      (JSON.parse(answer.body) as { error?: string }).error === 'temporarily_unavailable'
    );
  } catch {
    return false;
  }
}

/** The figures as the suite prints them. */
export function formatFigures(scenario: string, figures: Figures): string {
  const outcomes = Object.entries(figures.byOutcome)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([outcome, n]) => `${outcome}: ${n}`)
    .join(', ');
  return [
    `resilience: ${scenario}`,
    `  requests ${figures.requests} (${outcomes})`,
    `  chains broken ${figures.chainsBroken} (and ${figures.chainsBrokenAtFault} by a request in flight at the fault)`,
    `  tokens lost ${figures.tokensLost}, hangs ${figures.hangs}, time to recover ${figures.recoverSeconds.toFixed(1)} s`,
  ].join('\n');
}
