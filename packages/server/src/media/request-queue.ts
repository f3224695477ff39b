/**
 * Runs one peer connection's requests to Janus one at a time, in order: a negotiation ends before
 * the next begins, and a candidate follows its offer. A client's requests (`run`) are bounded:
 * beyond `limit` waiting or running, the next is refused. The adapter's own (`enqueue`) are not,
 * so that a flood cannot crowd them out; they are few (one reconciliation pending at most).
 */
export class RequestQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private clientRequests = 0;

  constructor(private readonly limit: number) {}

  /** A client's request; null when `limit` of them are already waiting or running. */
  run<T>(task: () => Promise<T>): Promise<T> | null {
    if (this.clientRequests >= this.limit) return null;
    this.clientRequests++;
    return this.enqueue(task).finally(() => this.clientRequests--);
  }

  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
