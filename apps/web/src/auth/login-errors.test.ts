import { SignalingError } from "@switchboard/client";
import { describe, expect, it } from "vitest";
import { loginFailure } from "./login-errors.js";

const server = (code: string) => new SignalingError("server", code, `server says ${code}`);

describe("loginFailure", () => {
  it("asks for a token when the server needs one or refused ours", () => {
    expect(loginFailure(server("auth-required"), null)).toMatchObject({ fix: "token", text: expect.stringMatching(/needs a sign-in token/) });
    expect(loginFailure(server("invalid-token"), null)).toMatchObject({ fix: "token", text: expect.stringMatching(/not valid/) });
    expect(loginFailure(server("token-expired"), null)).toMatchObject({ fix: "token", text: expect.stringMatching(/expired/) });
  });

  it("asks for the room's password, saying so when the one given was wrong", () => {
    expect(loginFailure(server("bad-password"), "vault")).toEqual({ fix: "password", text: "The room “vault” needs a password." });
    expect(loginFailure(server("bad-password"), "vault", true).text).toBe("The room “vault” needs a password, and that was not it.");
  });

  it("explains refusals the form cannot fix", () => {
    expect(loginFailure(server("room-forbidden"), "board")).toEqual({ fix: "none", text: "Your sign-in token does not let you into the room “board”." });
    expect(loginFailure(server("room-locked"), "board").text).toBe("The room “board” is locked: nobody new can join it now.");
    expect(loginFailure(server("name-in-use"), null).text).toMatch(/already signed in to the lobby somewhere else/);
    expect(loginFailure(new Error("offline"), null)).toEqual({ fix: "none", text: "offline" });
  });
});
