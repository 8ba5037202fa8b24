/**
 * A first-come, first-served allowance of memory for work that allocates a lot of it at once
 * outside the JavaScript heap (scrypt: 8-32 MiB per hash on libuv's thread pool). Without it
 * four logins at the same moment hold four hashes' memory together, which is most of a worker's
 * peak resident memory. A job larger than the whole budget still runs, alone.
 * @example const budget = new MemoryBudget(32 * 2 ** 20); await budget.run(8 * 2 ** 20, () => hash());
 */
export class MemoryBudget {
  readonly #bytes: number;
  #inUse = 0;
  readonly #queue: { bytes: number; grant: () => void }[] = [];

  constructor(bytes: number) {
    this.#bytes = bytes;
  }

  /** Runs `job` once `bytes` fit in what the jobs before it left, and gives them back after. */
  async run<T>(bytes: number, job: () => Promise<T>): Promise<T> {
    await new Promise<void>((grant) => {
      this.#queue.push({ bytes, grant });
      this.#grantWaiting();
    });
    try {
      return await job();
    } finally {
      this.#inUse -= bytes;
      this.#grantWaiting();
    }
  }

  #grantWaiting(): void {
    for (let next = this.#queue[0]; next !== undefined; next = this.#queue[0]) {
      if (this.#inUse > 0 && this.#inUse + next.bytes > this.#bytes) return;
      this.#queue.shift();
      this.#inUse += next.bytes;
      next.grant();
    }
  }
}
