import { describe, expect, it } from "vitest";
import { usernameKeys } from "@switchboard/protocol";
import { ProtocolError } from "../wire/protocol-error.js";
import { checkedRoomName } from "./room-name.js";

describe("checkedRoomName", () => {
  it("gives the canonical name and its look-alike keys, the same when asked again", () => {
    const decomposed = "cafe\u0301";
    const first = checkedRoomName(decomposed);
    expect(first).toEqual({ name: "caf\u00e9", keys: usernameKeys("caf\u00e9") });
    expect(checkedRoomName(decomposed)).toBe(first);
  });

  it("refuses a bad name every time it is asked", () => {
    for (let i = 0; i < 2; i++) {
      expect(() => checkedRoomName("a\u200bb")).toThrow(ProtocolError);
      expect(() => checkedRoomName("")).toThrow(ProtocolError);
    }
  });

  it("stays right after many other names pushed the first out", () => {
    const first = checkedRoomName("standup");
    for (let i = 0; i < 3000; i++) checkedRoomName(`room ${i}`);
    expect(checkedRoomName("standup")).toEqual(first);
    expect(checkedRoomName("room 5").name).toBe("room 5");
  });
});
