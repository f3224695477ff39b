import { checkUsername } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { appRoom, checkRoom, ROOM_NAME_MAX_LENGTH, serverRoom } from "./room-check.js";
import { randomRoomName, ROOM_NAME_WORDS } from "./room-names.js";
import { pathForRoom, roomFromPath, roomLink } from "./room-route.js";

describe("room routes", () => {
  it("reads /r/<room>, decoding it, and anything else as the lobby", () => {
    expect(roomFromPath("/r/calm-otter-42")).toBe("calm-otter-42");
    expect(roomFromPath("/r/Team%20A")).toBe("Team A");
    expect(roomFromPath("/r/%D0%A2%D0%B5%D0%B0%D0%BC/")).toBe("Теам");
    expect(roomFromPath("/")).toBeNull();
    expect(roomFromPath("/r/")).toBeNull();
    expect(roomFromPath("/r/%20")).toBeNull();
    expect(roomFromPath("/r/a/b")).toBeNull();
    expect(roomFromPath("/r/%E0%A4%A")).toBeNull();
    expect(roomFromPath("/rooms")).toBeNull();
  });

  it("makes paths and links that read back as the same room", () => {
    for (const room of ["calm-otter-42", "Team A", "Теам", "a/b?c#d", "50%"]) {
      expect(roomFromPath(pathForRoom(room))).toBe(room);
    }
    expect(pathForRoom(null)).toBe("/");
    expect(roomLink("https://example.org", "Team A")).toBe("https://example.org/r/Team%20A");
  });
});

describe("random room names", () => {
  it("are adjective-animal-number, from the word lists", () => {
    const name = randomRoomName(() => 0);
    expect(name).toBe(`${ROOM_NAME_WORDS.adjectives[0]}-${ROOM_NAME_WORDS.animals[0]}-10`);
    expect(randomRoomName(() => 0.999999)).toBe(`${ROOM_NAME_WORDS.adjectives.at(-1)}-${ROOM_NAME_WORDS.animals.at(-1)}-99`);
  });

  it("always pass the name rules (rooms are checked like user names)", () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 500; i++) {
      const name = randomRoomName(random);
      expect(name).toMatch(/^[a-z]+-[a-z]+-[1-9][0-9]$/);
      expect(checkUsername(name)).toEqual({ ok: true, name });
      expect(checkRoom(name)).toEqual({ ok: true, room: name });
    }
  });

  it("vary", () => {
    const names = new Set(Array.from({ length: 50 }, () => randomRoomName()));
    expect(names.size).toBeGreaterThan(40);
  });
});

describe("room names typed by the user", () => {
  it("are trimmed, and refused when empty or too long", () => {
    expect(checkRoom("  standup ")).toEqual({ ok: true, room: "standup" });
    expect(checkRoom("   ").ok).toBe(false);
    expect(checkRoom("x".repeat(ROOM_NAME_MAX_LENGTH)).ok).toBe(true);
    expect(checkRoom("x".repeat(ROOM_NAME_MAX_LENGTH + 1))).toEqual({ ok: false, reason: expect.stringContaining("64") });
  });

  it("follow the server's name rules (one script, no invisibles)", () => {
    expect(checkRoom("Team A")).toEqual({ ok: true, room: "Team A" });
    expect(checkRoom("Теам").ok).toBe(true);
    expect(checkRoom("Teaм").ok).toBe(false); // Latin and Cyrillic mixed
    expect(checkRoom("a\u200bb").ok).toBe(false);
    expect(checkRoom("<b>").ok).toBe(false);
  });
});

describe("the lobby", () => {
  it("is the app's null room and the server's `lobby`", () => {
    expect(appRoom("lobby")).toBeNull();
    expect(appRoom("Lobby")).toBeNull();
    expect(appRoom(null)).toBeNull();
    expect(appRoom("standup")).toBe("standup");
    expect(serverRoom(null)).toBe("lobby");
    expect(serverRoom("standup")).toBe("standup");
  });
});
