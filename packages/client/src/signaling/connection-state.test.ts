import { describe, expect, it } from "vitest";
import { assertTransition, canTransition, IllegalTransitionError, type ConnectionState } from "./connection-state.js";

const STATES: ConnectionState[] = ["idle", "connecting", "open", "reconnecting", "closed"];
const LEGAL = new Set([
  "idle>connecting",
  "idle>closed",
  "connecting>open",
  "connecting>reconnecting",
  "connecting>closed",
  "open>reconnecting",
  "open>closed",
  "reconnecting>open",
  "reconnecting>closed",
]);

describe("connection state machine", () => {
  for (const from of STATES) {
    for (const to of STATES) {
      const legal = LEGAL.has(`${from}>${to}`);
      it(`${from} -> ${to} is ${legal ? "legal" : "illegal"}`, () => {
        expect(canTransition(from, to)).toBe(legal);
        if (legal) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to)).toThrow(IllegalTransitionError);
      });
    }
  }
});
