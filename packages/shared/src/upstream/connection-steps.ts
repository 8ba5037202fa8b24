/** One step of a connection test: what was tried, whether it worked, what happened, how long it took. */
export interface ConnectionStep {
  /** What was tried, in words ("Fetch the discovery document"). */
  name: string;
  ok: boolean;
  /** What happened, for an administrator (no secrets). */
  message: string;
  elapsedMs: number;
}

/** What a step returns when it worked: the message and, for the next steps, a value. */
export interface StepSuccess<T> {
  message: string;
  value: T;
}

/**
 * Runs the steps of a connection test in order and records each one; the first step that
 * throws is recorded as failed (its message from `describe`) and the later ones do not run.
 * @example
 * const steps = new ConnectionSteps(describeUpstreamError);
 * const doc = await steps.run('Fetch the discovery document', async () => ({ message: 'HTTP 200', value: await fetchDoc() }));
 */
export class ConnectionSteps {
  readonly steps: ConnectionStep[] = [];
  readonly #describe: (error: unknown) => string;

  constructor(describe: (error: unknown) => string) {
    this.#describe = describe;
  }

  /** Whether every step so far worked. */
  get ok(): boolean {
    return this.steps.every((step) => step.ok);
  }

  /** Runs `step` unless one failed before; resolves to its value, or `undefined` when it (or an earlier one) failed. */
  async run<T>(name: string, step: () => Promise<StepSuccess<T>>): Promise<T | undefined> {
    if (!this.ok) return undefined;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const { message, value } = await step();
      this.steps.push({ name, ok: true, message, elapsedMs: elapsed() });
      return value;
    } catch (error) {
      this.steps.push({ name, ok: false, message: this.#describe(error), elapsedMs: elapsed() });
      return undefined;
    }
  }
}
