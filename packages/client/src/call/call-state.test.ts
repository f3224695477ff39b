import { describe, expect, it } from "vitest";
import { IllegalTransitionError } from "../signaling/connection-state.js";
import { assertCallTransition, canTransitionCall, isActiveCallState, type CallState } from "./call-state.js";

const STATES: CallState[] = ["idle", "outgoing-ringing", "incoming-ringing", "connecting", "connected", "ended"];
const LEGAL = new Set([
  "idle>outgoing-ringing",
  "idle>incoming-ringing",
  "idle>connecting",
  "outgoing-ringing>connecting",
  "outgoing-ringing>ended",
  "incoming-ringing>connecting",
  "incoming-ringing>ended",
  "connecting>connected",
  "connecting>ended",
  "connected>ended",
]);

describe("call state machine", () => {
  it.each(STATES.flatMap((from) => STATES.map((to) => [from, to] as const)))("%s -> %s", (from, to) => {
    const legal = LEGAL.has(`${from}>${to}`);
    expect(canTransitionCall(from, to)).toBe(legal);
    if (legal) expect(() => assertCallTransition(from, to)).not.toThrow();
    else expect(() => assertCallTransition(from, to)).toThrow(IllegalTransitionError);
  });

  it("ringing and in-call states are active; idle and ended are not", () => {
    expect(STATES.filter(isActiveCallState)).toEqual(["outgoing-ringing", "incoming-ringing", "connecting", "connected"]);
  });
});
