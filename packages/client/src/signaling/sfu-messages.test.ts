// SignalingClient and SFU group calls against a scripted socket: the group call's media, the
// server's sfu-* messages as typed events (checked against the protocol like every server
// frame), and sfu-publish answered by sfu-answer.
import { afterEach, describe, expect, it, vi } from "vitest";
import { loggedInScripted, type FakeSocket } from "../../test/support/scripted-socket.js";
import type { SignalingClient } from "./signaling-client.js";
import { SignalingError } from "./signaling-error.js";

const clients: SignalingClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

async function alice(): Promise<{ client: SignalingClient; socket: FakeSocket; seen: string[] }> {
  const seen: string[] = [];
  const { client, socket } = await loggedInScripted("alice", {}, (client) => {
    client.on("group-call", (participants, media) => seen.push(`group-call:${participants.join(",")}:${media}`));
    client.on("sfu-status", (status) => seen.push(`sfu-status:${status.state}:${status.epoch}`));
    client.on("sfu-offer", (offer) => seen.push(`sfu-offer:${offer.streams.map((s) => `${s.mid}=${s.name}/${s.source}`).join(",")}`));
    client.on("sfu-answer", (answer) => seen.push(`sfu-answer:${answer.sdp.sdp}`));
    client.on("error", (error) => seen.push(`error:${error.code}`));
  });
  clients.push(client);
  return { client, socket, seen };
}

const offer = { type: "offer", sdp: "v=0 subscriber" };

describe("SignalingClient: SFU group calls (scripted socket)", () => {
  it("knows the group call's media: absent is mesh, and a room switch forgets it", async () => {
    const { client, socket, seen } = await alice();
    socket.deliver({ type: "group-call", participants: ["sam"] });
    expect(client.groupCallMedia).toBe("mesh");
    socket.deliver({ type: "group-call", participants: ["sam", "alice"], media: "sfu" });
    expect(client.groupCallMedia).toBe("sfu");
    expect(client.groupCall).toEqual(["sam", "alice"]);
    expect(seen).toEqual(["group-call:sam:mesh", "group-call:sam,alice:sfu"]);
    const switching = client.joinRoom("blue");
    socket.ack("join-room", { room: "blue", name: "alice" });
    await switching;
    expect(client.groupCallMedia).toBe("mesh");
  });

  it("emits sfu-status and sfu-offer as the server sent them", async () => {
    const { socket, seen } = await alice();
    socket.deliver({ type: "sfu-status", state: "ready", epoch: 1 });
    socket.deliver({ type: "sfu-offer", sdp: offer, streams: [{ mid: "0", name: "sam", source: "microphone" }, { mid: "1", name: "sam", source: "camera" }] });
    socket.deliver({ type: "sfu-status", state: "interrupted", epoch: 1, reason: "The media server restarted; reconnecting…" });
    expect(seen).toEqual(["sfu-status:ready:1", "sfu-offer:0=sam/microphone,1=sam/camera", "sfu-status:interrupted:1"]);
  });

  it("refuses malformed sfu-* frames from the server: an invalid-server-message error, no event", async () => {
    const { socket, seen } = await alice();
    socket.deliver({ type: "sfu-offer", sdp: offer, streams: [{ mid: "0 bad mid", name: "sam", source: "camera" }] });
    socket.deliver({ type: "sfu-offer", sdp: { type: "answer", sdp: "v=0" }, streams: [] });
    socket.deliver({ type: "sfu-status", state: "gone", epoch: 1 });
    socket.deliver({ type: "sfu-answer", sdp: { type: "answer", sdp: "" } });
    expect(seen).toEqual(Array(4).fill("error:invalid-server-message"));
  });

  it("sfuPublish: sends sfu-publish and resolves with the sfu-answer of its ref; rejects with the server's error", async () => {
    const { client, socket, seen } = await alice();
    const tracks = [{ mid: "0", source: "microphone" as const }, { mid: "1", source: "camera" as const }];
    const publishing = client.sfuPublish({ type: "offer", sdp: "v=0 publisher" }, tracks);
    await vi.waitFor(() => expect(socket.sent.at(-1)).toMatchObject({ type: "sfu-publish", sdp: { type: "offer", sdp: "v=0 publisher" }, tracks }));
    const { ref } = socket.sent.at(-1)!;
    socket.deliver({ type: "sfu-answer", sdp: { type: "answer", sdp: "v=0 janus" }, ref });
    await expect(publishing).resolves.toMatchObject({ type: "sfu-answer", sdp: { sdp: "v=0 janus" }, ref });
    expect(seen).toEqual(["sfu-answer:v=0 janus"]);

    const refused = client.sfuPublish({ type: "offer", sdp: "v=0 again" }, tracks);
    await vi.waitFor(() => expect(socket.sent.at(-1)).toMatchObject({ sdp: { sdp: "v=0 again" } }));
    const again = socket.sent.at(-1)!.ref as string;
    socket.deliver({ type: "error", code: "media-failed", message: "Janus said no", ref: again });
    await expect(refused).rejects.toEqual(new SignalingError("server", "media-failed", "Janus said no", again));
  });
});
