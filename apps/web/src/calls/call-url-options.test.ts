import { describe, expect, it } from "vitest";
import { endText } from "../call-controller.js";
import { RELAY_FAILURE_MESSAGE, connectWhileRingingRequested, relayOnlyRequested } from "./call-url-options.js";

describe("relay-only mode", () => {
  it("is asked for with ?relay=1", () => {
    expect(relayOnlyRequested("?relay=1")).toBe(true);
    expect(relayOnlyRequested("?x=2&relay=true")).toBe(true);
    expect(relayOnlyRequested("")).toBe(false);
    expect(relayOnlyRequested("?relay=0")).toBe(false);
  });

  it("connects while it rings unless ?connect-while-ringing=0", () => {
    expect(connectWhileRingingRequested("")).toBe(true);
    expect(connectWhileRingingRequested("?connect-while-ringing=0")).toBe(false);
    expect(connectWhileRingingRequested("?connect-while-ringing=false&relay=1")).toBe(false);
    expect(connectWhileRingingRequested("?connect-while-ringing=maybe")).toBe(true);
  });

  it("explains a failed relay-only call as a relay problem", () => {
    expect(endText("bob", "connection-failed", false, true)).toEqual({ message: RELAY_FAILURE_MESSAGE, kind: "error" });
    expect(endText("bob", "connection-failed", false, false)?.message).toMatch(/connection to bob failed/);
  });
});
