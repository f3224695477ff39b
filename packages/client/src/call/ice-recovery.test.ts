import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IceRecovery } from "./ice-recovery.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup() {
  const actions = { restartIce: vi.fn(), giveUp: vi.fn() };
  return { actions, recovery: new IceRecovery(actions, { disconnectedGraceMs: 3000, recoveryTimeoutMs: 15000 }) };
}

describe("IceRecovery", () => {
  it("restarts at once on failed", () => {
    const { actions, recovery } = setup();
    recovery.update("failed");
    expect(actions.restartIce).toHaveBeenCalledTimes(1);
  });

  it("waits out a short disconnect, restarts after the grace period", () => {
    const { actions, recovery } = setup();
    recovery.update("disconnected");
    vi.advanceTimersByTime(2999);
    expect(actions.restartIce).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(actions.restartIce).toHaveBeenCalledTimes(1);
  });

  it("a disconnect that heals clears everything", () => {
    const { actions, recovery } = setup();
    recovery.update("disconnected");
    recovery.update("connected");
    vi.advanceTimersByTime(60_000);
    expect(actions.restartIce).not.toHaveBeenCalled();
    expect(actions.giveUp).not.toHaveBeenCalled();
  });

  it("gives up when not connected again within the recovery timeout, restarts included", () => {
    const { actions, recovery } = setup();
    recovery.update("disconnected");
    vi.advanceTimersByTime(3000);
    recovery.update("connecting"); // The restart is under way; the deadline keeps running.
    recovery.update("failed");
    vi.advanceTimersByTime(11_999);
    expect(actions.giveUp).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(actions.giveUp).toHaveBeenCalledTimes(1);
  });

  it.each(["stop()", "closed"])("does nothing after %s", (how) => {
    const { actions, recovery } = setup();
    recovery.update("disconnected"); // A grace timer is running.
    if (how === "stop()") recovery.stop();
    else recovery.update("closed");
    recovery.update("failed");
    vi.advanceTimersByTime(60_000);
    expect(actions.restartIce).not.toHaveBeenCalled();
    expect(actions.giveUp).not.toHaveBeenCalled();
  });
});
