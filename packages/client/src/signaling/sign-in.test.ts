// Sign-in tokens against a scripted server: the token in every hello, and its renewal before
// expiry. Fake timers (Date.now too): the clock of a shared machine is no measure of a delay.
import type { Identity } from "@switchboard/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeSocket, scriptedClient } from "../../test/support/scripted-socket.js";
import { RENEWAL_RETRY_MS, renewalDelayMs } from "./sign-in.js";
import type { SignalingClient } from "./signaling-client.js";
import type { SignalingError } from "./signaling-error.js";

const MINUTE = 60_000;

describe("renewalDelayMs", () => {
  it("renews at 80% of the remaining life, at least 5 s before expiry, at once when less is left", () => {
    const now = 1_000_000;
    expect(renewalDelayMs(now + 10 * MINUTE, now)).toBe(8 * MINUTE);
    expect(renewalDelayMs(now + 20_000, now)).toBe(15_000); // 80% would leave only 4 s.
    expect(renewalDelayMs(now + 25_000, now)).toBe(20_000); // Both rules agree.
    expect(renewalDelayMs(now + 4_000, now)).toBe(0);
    expect(renewalDelayMs(now - 1_000, now)).toBe(0);
  });
});

describe("SignalingClient sign-in tokens (scripted server)", () => {
  const clients: SignalingClient[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    vi.useRealTimers();
  });

  /** A client whose token function hands out t1, t2, ...; opened and welcomed with `identity`. */
  async function signedIn(identity: Identity | undefined, extra: Record<string, unknown> = {}) {
    let issued = 0;
    const client = scriptedClient({ token: () => `t${++issued}`, reconnect: { nextRetryDelayMs: () => 1 }, ...extra });
    clients.push(client);
    const identities: Identity[] = [];
    const errors: SignalingError[] = [];
    client.on("identity", (next) => identities.push(next));
    client.on("error", (error) => errors.push(error));
    const connected = client.connect();
    const socket = FakeSocket.last!;
    socket.open();
    await vi.advanceTimersByTimeAsync(0); // An async token function answers.
    socket.welcome({ auth: "jwt", ...(identity ? { identity } : {}) });
    await connected;
    return { client, socket, identities, errors, issued: () => issued };
  }

  const identity = (expiresInMs: number): Identity => ({ name: "ann", role: "member", rooms: ["standup"], expiresAt: Date.now() + expiresInMs });
  const renewals = (socket: FakeSocket) => socket.sent.filter((m) => m.type === "renew-token");

  it("sends the token in hello, and exposes the welcome's identity", async () => {
    const { client, socket, identities } = await signedIn(identity(10 * MINUTE));
    expect(socket.sent[0]).toMatchObject({ type: "hello", token: "t1" });
    expect(client.identity).toMatchObject({ name: "ann", role: "member", rooms: ["standup"] });
    expect(identities).toHaveLength(1);
  });

  it("renews at 80% of the token's life, then again at 80% of the new one's", async () => {
    const { client, socket, identities } = await signedIn(identity(10 * MINUTE));
    await vi.advanceTimersByTimeAsync(8 * MINUTE - 1);
    expect(renewals(socket)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(renewals(socket)).toMatchObject([{ type: "renew-token", token: "t2" }]);
    const newExpiry = Date.now() + 5 * MINUTE;
    socket.ack("renew-token", { expiresAt: newExpiry });
    await vi.advanceTimersByTimeAsync(0);
    expect(client.identity?.expiresAt).toBe(newExpiry);
    expect(identities.map((i) => i.expiresAt).at(-1)).toBe(newExpiry);
    await vi.advanceTimersByTimeAsync(4 * MINUTE - 1);
    expect(renewals(socket)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(renewals(socket).map((m) => m.token)).toEqual(["t2", "t3"]);
  });

  it("renews a short-lived token 5 s before it expires", async () => {
    const { socket } = await signedIn(identity(20_000));
    await vi.advanceTimersByTimeAsync(15_000 - 1);
    expect(renewals(socket)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(renewals(socket)).toHaveLength(1);
  });

  it("reports a refused renewal and retries once shortly after; a second refusal is the last", async () => {
    const { socket, errors } = await signedIn(identity(MINUTE));
    await vi.advanceTimersByTimeAsync(0.8 * MINUTE);
    socket.deliver({ type: "error", code: "invalid-token", message: "no", ref: renewals(socket)[0]!.ref });
    await vi.advanceTimersByTimeAsync(0);
    expect(errors.map((e) => e.code)).toEqual(["invalid-token"]);
    await vi.advanceTimersByTimeAsync(RENEWAL_RETRY_MS - 1);
    expect(renewals(socket)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(renewals(socket).map((m) => m.token)).toEqual(["t2", "t3"]);
    socket.deliver({ type: "error", code: "invalid-token", message: "no", ref: renewals(socket)[1]!.ref });
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(errors.map((e) => e.code)).toEqual(["invalid-token", "invalid-token"]);
    expect(renewals(socket)).toHaveLength(2);
  });

  it("reports a token function that fails at renewal time as token-renewal-failed", async () => {
    let calls = 0;
    const { socket, errors } = await signedIn(identity(MINUTE), {
      token: () => {
        if (++calls > 1) throw new Error("identity provider down");
        return "t1";
      },
    });
    await vi.advanceTimersByTimeAsync(0.8 * MINUTE);
    expect(errors.map((e) => e.code)).toEqual(["token-renewal-failed"]);
    expect(renewals(socket)).toEqual([]);
  });

  it("tells the token function what it is asked for; a renewal answered with undefined is skipped quietly", async () => {
    const asked: string[] = [];
    const { socket, errors, identities } = await signedIn(identity(MINUTE), {
      token: ({ purpose }: { purpose: string }) => {
        asked.push(purpose);
        return purpose === "hello" ? "t1" : undefined;
      },
    });
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(asked).toEqual(["hello", "renewal"]);
    expect(renewals(socket)).toEqual([]);
    expect(errors).toEqual([]);
    expect(identities).toHaveLength(1);
  });

  it("never renews a fixed token, but sends it in every hello", async () => {
    const { client, socket } = await signedIn(identity(MINUTE), { token: "fixed" });
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(renewals(socket)).toEqual([]);
    socket.onclose?.({ code: 1006, reason: "" });
    await vi.advanceTimersByTimeAsync(1);
    const next = FakeSocket.last!;
    next.open();
    expect(next.sent[0]).toMatchObject({ type: "hello", token: "fixed" });
    expect(client.state).toBe("reconnecting");
  });

  it("asks the token function again for the hello of a reconnect (async too), and renews from the new welcome", async () => {
    let issued = 0;
    const { socket } = await signedIn(identity(MINUTE), { token: async () => `a${++issued}` });
    expect(socket.sent[0]).toMatchObject({ token: "a1" });
    socket.onclose?.({ code: 1006, reason: "" });
    // Down when the renewal would be due: the reconnect's hello carries a fresh token instead.
    await vi.advanceTimersByTimeAsync(0.8 * MINUTE);
    const next = FakeSocket.last!;
    expect(next).not.toBe(socket);
    next.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(next.sent[0]).toMatchObject({ type: "hello", token: "a2" });
    next.welcome({ identity: identity(MINUTE) });
    await vi.advanceTimersByTimeAsync(0.8 * MINUTE);
    expect(renewals(next).map((m) => m.token)).toEqual(["a3"]);
    expect(renewals(socket)).toEqual([]);
  });

  it("has no identity and no renewal in open mode", async () => {
    const { client, socket, issued } = await signedIn(undefined);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(client.identity).toBeNull();
    expect(renewals(socket)).toEqual([]);
    expect(issued()).toBe(1);
  });

  it("login() without a name signs in as the token's name", async () => {
    const { client, socket } = await signedIn(identity(MINUTE));
    const login = client.login();
    await vi.advanceTimersByTimeAsync(0);
    expect(socket.sent.at(-1)).toMatchObject({ type: "username", name: "ann" });
    socket.ack("username", { name: "ann" });
    await expect(login).resolves.toBe("ann");
  });
});
