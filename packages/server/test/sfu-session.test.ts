// Issue 14: SFU messages and the media-server policy between real clients and a real server. The
// media server is absent (no JANUS_URL) or unreachable (nothing listens on JANUS_URL's port);
// calls through a running Janus are sfu-calls.test.ts's and e2e/sfu-call.test.ts's.
import { describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";
import { freePort } from "./support/free-port.js";

const running = useServer();
const publish = { type: "sfu-publish", sdp: { type: "offer", sdp: "v=0\r\n" }, tracks: [{ mid: "0", source: "camera" }] };

describe("SFU messages", () => {
  it("without JANUS_URL: no sfu feature, meshes as before, and sfu-* answered no-call or invalid-message, the connection unharmed", async () => {
    await running.start();
    const ann = await running.modern("ann");
    const welcome = ann.all("welcome")[0]!;
    expect(welcome.features).not.toContain("sfu");
    expect(welcome.limits).not.toHaveProperty("maxSfuParticipants");
    expect(await ann.request({ type: "group-join" })).toBe("ack");
    expect(ann.all("group-call").at(-1)).toEqual({ type: "group-call", participants: ["ann"] });
    expect(await ann.request(publish)).toBe("no-call");
    for (const malformed of [
      { type: "sfu-layer", mid: "0", layer: 7 },
      { type: "sfu-layer", mid: "x".repeat(17), layer: 1 },
      { type: "sfu-publish", sdp: { type: "answer", sdp: "v=0" }, tracks: [{ mid: "0", source: "camera" }] },
      { ...publish, tracks: Array.from({ length: 5 }, (_, i) => ({ mid: String(i), source: "camera" })) },
      { type: "sfu-candidate", connection: "both", candidate: null },
      { type: "sfu-subscribe-answer", sdp: "v=0" },
    ]) {
      expect(await ann.request(malformed), JSON.stringify(malformed).slice(0, 80)).toBe("invalid-message");
    }
    expect(await ann.request({ type: "message", text: "still here" })).toBe("ack");
  });

  it("with Janus unreachable: a new call is a mesh (SFU_CALLS=all), sfu-* is no-call, and /healthz says so", async () => {
    await running.start({ janusUrl: `ws://127.0.0.1:${await freePort()}` });
    const ann = await running.modern("ann");
    expect(ann.all("welcome")[0]!.features).toContain("sfu");
    expect(ann.all("welcome")[0]!.limits).toMatchObject({ maxSfuParticipants: 50 });
    expect(await ann.request({ type: "group-join" })).toBe("ack");
    expect(ann.all("group-call").at(-1)).toEqual({ type: "group-call", participants: ["ann"] });
    expect(await ann.request(publish)).toBe("no-call");
    const health = (await (await fetch(`${running.httpUrl}/healthz`)).json()) as { mediaServer?: string };
    expect(health.mediaServer).toBe("unreachable");
  });

  it("SFU_CALLS=large with Janus unreachable: a join past the mesh is refused with media-unavailable, and the mesh goes on", async () => {
    await running.start({ janusUrl: `ws://127.0.0.1:${await freePort()}`, sfuCalls: "large", maxMeshParticipants: 2 });
    const [ann, bob, cy] = [await running.modern("ann"), await running.modern("bob"), await running.modern("cy")];
    expect(await ann.request({ type: "group-join" })).toBe("ack");
    expect(await bob.request({ type: "group-join" })).toBe("ack");
    expect(await cy.request({ type: "group-join" })).toBe("media-unavailable");
    expect(cy.all("error").at(-1)?.message).toMatch(/media server/);
    expect(ann.all("group-call").at(-1)).toEqual({ type: "group-call", participants: ["ann", "bob"] });
  });
});
