import type { Ref } from "@switchboard/protocol";
import { SignalingError } from "./signaling-error.js";

interface Pending<Reply> {
  resolve(reply: Reply): void;
  reject(error: SignalingError): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Requests sent and not yet answered, by `ref`. Each has its own deadline; whichever comes
 * first (reply, error, deadline, connection loss) settles it, exactly once.
 */
export class PendingRequests<Reply> {
  readonly #pending = new Map<Ref, Pending<Reply>>();

  get size(): number {
    return this.#pending.size;
  }

  add(ref: Ref, timeoutMs: number, resolve: (reply: Reply) => void, reject: (error: SignalingError) => void): void {
    if (this.#pending.has(ref)) throw new Error(`PendingRequests: duplicate ref ${String(ref)}`);
    const timer = setTimeout(() => {
      this.reject(ref, SignalingError.client("timeout", `No answer from the server within ${timeoutMs} ms.`, ref));
    }, timeoutMs);
    this.#pending.set(ref, { resolve, reject, timer });
  }

  has(ref: Ref): boolean {
    return this.#pending.has(ref);
  }

  /** Returns false when `ref` is not pending (late or unknown reply). */
  resolve(ref: Ref, reply: Reply): boolean {
    const pending = this.#take(ref);
    pending?.resolve(reply);
    return pending !== undefined;
  }

  reject(ref: Ref, error: SignalingError): boolean {
    const pending = this.#take(ref);
    pending?.reject(error);
    return pending !== undefined;
  }

  rejectAll(error: (ref: Ref) => SignalingError): void {
    for (const ref of [...this.#pending.keys()]) this.reject(ref, error(ref));
  }

  #take(ref: Ref): Pending<Reply> | undefined {
    const pending = this.#pending.get(ref);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(ref);
    return pending;
  }
}
