import { describe, expect, it, vi } from "vitest";
import { TypedEmitter } from "./typed-emitter.js";

interface Events {
  /** Test event. */
  ping: (n: number) => void;
  pong: () => void;
}

describe("TypedEmitter", () => {
  it("calls listeners with the arguments and stops after the disposer", () => {
    const emitter = new TypedEmitter<Events>();
    const seen: number[] = [];
    const dispose = emitter.on("ping", (n) => seen.push(n));
    emitter.emit("ping", 1);
    dispose();
    dispose(); // Harmless twice.
    emitter.emit("ping", 2);
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount("ping")).toBe(0);
  });

  it("treats the same function registered twice as two subscriptions", () => {
    const emitter = new TypedEmitter<Events>();
    const listener = vi.fn();
    const first = emitter.on("pong", listener);
    emitter.on("pong", listener);
    first();
    emitter.emit("pong");
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("once() runs at most once and can be disposed before", () => {
    const emitter = new TypedEmitter<Events>();
    const once = vi.fn();
    emitter.once("ping", once);
    emitter.emit("ping", 1);
    emitter.emit("ping", 2);
    expect(once).toHaveBeenCalledExactlyOnceWith(1);
    const never = vi.fn();
    emitter.once("ping", never)();
    emitter.emit("ping", 3);
    expect(never).not.toHaveBeenCalled();
  });

  it("lets listeners dispose others mid-emit without skipping or crashing", () => {
    const emitter = new TypedEmitter<Events>();
    const calls: string[] = [];
    let disposeB = () => {};
    emitter.on("pong", () => {
      calls.push("a");
      disposeB();
    });
    disposeB = emitter.on("pong", () => calls.push("b"));
    emitter.emit("pong");
    emitter.emit("pong");
    expect(calls).toEqual(["a", "b", "a"]);
  });

  it("keeps going when a listener throws and rethrows the error on a later task", () => {
    vi.useFakeTimers();
    try {
      const emitter = new TypedEmitter<Events>();
      const after = vi.fn();
      emitter.on("pong", () => {
        throw new Error("listener bug");
      });
      emitter.on("pong", after);
      expect(() => emitter.emit("pong")).not.toThrow();
      expect(after).toHaveBeenCalled();
      expect(() => vi.runAllTimers()).toThrow("listener bug");
    } finally {
      vi.useRealTimers();
    }
  });
});
