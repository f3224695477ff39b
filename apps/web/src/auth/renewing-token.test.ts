import { describe, expect, it } from "vitest";
import { RenewingToken } from "./renewing-token.js";

/** A RenewingToken over plain state: `url` is the token URL (null: none), `answers` the fetches' outcomes in turn. */
function renewing(url: string | null, answers: (string | Error)[]) {
  const state = { current: "link-token" as string | null, fetched: [] as string[] };
  const token = new RenewingToken({
    current: () => state.current,
    tokenUrl: () => url,
    fetchToken: async (from) => {
      state.fetched.push(from);
      const answer = answers.shift() ?? new Error("no more answers");
      if (answer instanceof Error) throw answer;
      return answer;
    },
    renewed: (fresh) => (state.current = fresh),
  });
  return { token, state };
}

describe("RenewingToken", () => {
  it("signs in with the current token at once, and renews through the token URL", async () => {
    const { token, state } = renewing("https://chat.example/auth/token", ["fresh-1"]);
    expect(token.option({ purpose: "hello" })).toBe("link-token");
    expect(await token.option({ purpose: "renewal" })).toBe("fresh-1");
    expect(state.fetched).toEqual(["https://chat.example/auth/token"]);
    // Not yet the current one: the server has not taken it.
    expect(token.option({ purpose: "hello" })).toBe("link-token");
  });

  it("makes a fresh token the current one (kept) once the server took it", async () => {
    const { token, state } = renewing("/auth/token", ["fresh-1"]);
    await token.option({ purpose: "renewal" });
    token.accepted();
    expect(state.current).toBe("fresh-1");
    expect(token.option({ purpose: "hello" })).toBe("fresh-1");
    // An identity that follows a welcome, with no renewal in between, changes nothing.
    state.current = "other";
    token.accepted();
    expect(state.current).toBe("other");
  });

  it("forgets a fresh token a reconnect interrupted: the server never took it", async () => {
    const { token, state } = renewing("/auth/token", ["fresh-1"]);
    await token.option({ purpose: "renewal" });
    expect(token.option({ purpose: "hello" })).toBe("link-token");
    token.accepted(); // The new connection's welcome.
    expect(state.current).toBe("link-token");
  });

  it("rejects when the fetch fails (the SDK reports it and retries), keeping the current token", async () => {
    const { token, state } = renewing("/auth/token", [new Error("it answered 503"), "fresh-2"]);
    await expect(token.option({ purpose: "renewal" })).rejects.toThrow("it answered 503");
    token.accepted();
    expect(state.current).toBe("link-token");
    expect(await token.option({ purpose: "renewal" })).toBe("fresh-2");
  });

  it("has nothing to renew with when the server gives no token URL: the sign-in runs out as before", () => {
    const { token, state } = renewing(null, []);
    expect(token.option({ purpose: "renewal" })).toBeUndefined();
    expect(state.fetched).toEqual([]);
    expect(token.option({ purpose: "hello" })).toBe("link-token");
  });
});
