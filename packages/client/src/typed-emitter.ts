/** Undoes a subscription. Calling it twice is harmless. */
export type Disposer = () => void;

// Internal, untyped view of a listener; the public methods keep the types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyListener = (...args: any[]) => void;

/** An event map: event name -> listener signature. */
export type EventMap<Events> = { [E in keyof Events]: AnyListener };

/**
 * A small typed event emitter. Every `on()` returns a disposer, so a caller can keep one
 * function instead of the (event, listener) pair. A throwing listener never breaks the emitter
 * or the listeners after it: its error is rethrown on a fresh task, where the host reports it.
 */
export class TypedEmitter<Events extends EventMap<Events>> {
  readonly #listeners = new Map<keyof Events, Set<AnyListener>>();

  on<E extends keyof Events>(event: E, listener: Events[E]): Disposer {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    // Wrap so that registering the same function twice gives two independent subscriptions.
    const entry: AnyListener = (...args) => (listener as AnyListener)(...args);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.#listeners.get(event) === set) this.#listeners.delete(event);
    };
  }

  /** Like `on`, but the listener runs at most once. */
  once<E extends keyof Events>(event: E, listener: Events[E]): Disposer {
    const dispose = this.on(event, ((...args: unknown[]) => {
      dispose();
      (listener as AnyListener)(...args);
    }) as Events[E]);
    return dispose;
  }

  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    // A copy: listeners may subscribe or dispose while we iterate.
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
