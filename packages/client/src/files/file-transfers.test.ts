// Both sides of file transfer over fake peer connections and channels (see fake-data-channel.ts),
// with a well-behaved peer and with a hostile one that speaks the channel protocol by hand.
import { createHash } from "node:crypto";
import { FILE_CHANNEL_PROTOCOL } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { linkedPeerConnections, type FakeDataChannel, type FakeFilePeerConnection } from "../../test/support/fake-data-channel.js";
import type { FileTransfer } from "./file-transfer.js";
import { FileTransfers, type FilePeerConnection, type FileTransfersOptions } from "./file-transfers.js";
import type { IncomingFileTransfer } from "./incoming-transfer.js";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
const hex = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

function setup(options: Partial<FileTransfersOptions> = {}) {
  const [alicePc, bobPc] = linkedPeerConnections();
  // EventTarget's untyped listeners stand in for RTCPeerConnection's typed ones.
  const alice = new FileTransfers(alicePc as unknown as FilePeerConnection, "bob", options);
  const bob = new FileTransfers(bobPc as unknown as FilePeerConnection, "alice", options);
  const offers: IncomingFileTransfer[] = [];
  const errors: string[] = [];
  bob.on("offer", (transfer) => offers.push(transfer));
  bob.on("error", (error) => errors.push(error.message));
  return { alicePc, bobPc, alice, bob, offers, errors, nextOffer: () => expect.poll(() => offers.length).toBeGreaterThan(0).then(() => offers.shift()!) };
}

/** Records a transfer's states and progress. */
function watch(transfer: FileTransfer) {
  const states: string[] = [];
  const progress: number[] = [];
  transfer.on("state", (state) => states.push(state));
  transfer.on("progress", (n) => progress.push(n));
  return { states, progress, ended: () => expect.poll(() => transfer.ended).toBe(true) };
}

/** A hostile sender: a file channel from `pc`, driven by hand. */
async function rawChannel(pc: FakeFilePeerConnection): Promise<FakeDataChannel> {
  const channel = pc.createDataChannel("file", { protocol: FILE_CHANNEL_PROTOCOL });
  await new Promise((resolve) => channel.addEventListener("open", resolve, { once: true }));
  return channel;
}
const received = (channel: FakeDataChannel) => {
  const messages: unknown[] = [];
  channel.addEventListener("message", (event) => messages.push(JSON.parse((event as MessageEvent).data as string)));
  return messages;
};
const offerOf = (size: number, extra: object = {}) => JSON.stringify({ type: "file-offer", id: "f1", name: "a.bin", size, mime: "", ...extra });

describe("FileTransfers", () => {
  it("sends a file that arrives whole and verified, with progress rising to the size on both sides", async () => {
    const { alice, nextOffer } = setup();
    const data = bytes(300_000);
    const outgoing = alice.send(new File([data], "photo.jpg", { type: "image/jpeg" }));
    const sent = watch(outgoing);
    const incoming = await nextOffer();
    expect([incoming.name, incoming.size, incoming.mime, incoming.peer, incoming.state]).toEqual(["photo.jpg", 300_000, "image/jpeg", "alice", "offered"]);
    const got = watch(incoming);
    incoming.accept();
    await got.ended();
    await sent.ended();
    const outcome = incoming.outcome;
    if (outcome?.state !== "done") throw new Error(`not done: ${JSON.stringify(outcome)}`);
    expect(outcome.sha256).toBe(hex(data));
    expect(new Uint8Array(await outcome.file.arrayBuffer())).toEqual(data);
    expect(outcome.file.type).toBe("image/jpeg");
    expect(outgoing.outcome).toMatchObject({ state: "done", sha256: hex(data), verified: true });
    for (const side of [sent, got]) {
      expect(side.states).toEqual(["transferring", "verifying", "done"]);
      expect(side.progress.at(-1)).toBe(300_000);
      expect(side.progress).toEqual([...side.progress].sort((a, b) => a - b));
    }
    expect(alice.active).toEqual([]);
  });

  it("a decline reaches the sender", async () => {
    const { alice, nextOffer } = setup();
    const outgoing = alice.send(new Blob([bytes(10)]), { name: "x.txt" });
    (await nextOffer()).decline();
    await watch(outgoing).ended();
    expect(outgoing.outcome).toEqual({ state: "declined", reason: "declined" });
  });

  it("a cancel from the sender mid-way stops both sides, and the sender sends nothing more", async () => {
    const { alice, alicePc, nextOffer } = setup({ highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024 });
    const outgoing = alice.send(new Blob([bytes(2_000_000)]), { name: "big.bin" });
    const incoming = await nextOffer();
    incoming.on("progress", (n) => n > 100_000 && outgoing.cancel());
    incoming.accept();
    await watch(incoming).ended();
    expect(incoming.outcome).toEqual({ state: "cancelled", by: "remote" });
    expect(outgoing.outcome).toEqual({ state: "cancelled", by: "local" });
    const channel = alicePc.channels[0]!;
    await expect.poll(() => channel.readyState).toBe("closed");
    const count = channel.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(channel.sent.length).toBe(count);
    expect(incoming.bytes).toBeLessThan(2_000_000);
  });

  it("a cancel from the receiver stops the sender", async () => {
    const { alice, nextOffer } = setup({ highWaterBytes: 64 * 1024, lowWaterBytes: 16 * 1024 });
    const outgoing = alice.send(new Blob([bytes(2_000_000)]), { name: "big.bin" });
    const incoming = await nextOffer();
    outgoing.on("progress", (n) => n > 100_000 && incoming.cancel());
    incoming.accept();
    await watch(outgoing).ended();
    expect(outgoing.outcome).toEqual({ state: "cancelled", by: "remote" });
    expect(outgoing.bytes).toBeLessThan(2_000_000);
  });

  it("offers past maxFileBytes are declined as too large without asking", async () => {
    const { alice, offers } = setup({ maxFileBytes: 100 });
    const outgoing = alice.send(new Blob([bytes(101)]), { name: "x" });
    await watch(outgoing).ended();
    expect(outgoing.outcome).toEqual({ state: "declined", reason: "too-large" });
    expect(offers).toEqual([]);
  });

  it("close() fails what goes on at both ends and refuses new sends", async () => {
    const { alice, nextOffer } = setup({ highWaterBytes: 16 * 1024, lowWaterBytes: 0 });
    const outgoing = alice.send(new Blob([bytes(1_000_000)]), { name: "x" });
    const incoming = await nextOffer();
    incoming.accept();
    alice.close("The call ended.");
    expect(outgoing.outcome).toEqual({ state: "failed", reason: "The call ended." });
    await watch(incoming).ended();
    expect(incoming.outcome).toEqual({ state: "failed", reason: "alice: The call ended." });
    expect(() => alice.send(new Blob(["x"]))).toThrow(/closed/);
  });

  it("refuses to offer a file larger than a transfer carries, before anything is sent", () => {
    const { alice } = setup();
    const huge = { size: 5 * 1024 ** 3, type: "", name: "huge.bin", slice: () => new Blob() } as unknown as Blob;
    expect(() => alice.send(huge)).toThrow(RangeError);
  });
});

describe("FileTransfers against a hostile sender", () => {
  it("fails a transfer that brings more bytes than announced, and says why", async () => {
    const { alicePc, nextOffer } = setup();
    const channel = await rawChannel(alicePc);
    const replies = received(channel);
    channel.send(offerOf(10));
    const incoming = await nextOffer();
    incoming.accept();
    channel.send(bytes(8).buffer);
    channel.send(bytes(8).buffer);
    await watch(incoming).ended();
    expect(incoming.outcome).toMatchObject({ state: "failed", reason: expect.stringMatching(/more than the 10 bytes it announced/) });
    expect(replies).toEqual([{ type: "file-accept" }, { type: "file-failed", reason: expect.stringMatching(/more than the 10 bytes/) }]);
    await expect.poll(() => channel.readyState).toBe("closed");
  });

  it("never offers a file whose SHA-256 does not match", async () => {
    const { alicePc, nextOffer } = setup();
    const channel = await rawChannel(alicePc);
    const replies = received(channel);
    channel.send(offerOf(4));
    const incoming = await nextOffer();
    incoming.accept();
    channel.send(bytes(4).buffer);
    channel.send(JSON.stringify({ type: "file-done", sha256: "0".repeat(64) }));
    await watch(incoming).ended();
    expect(incoming.outcome).toMatchObject({ state: "failed", reason: expect.stringMatching(/damaged.*SHA-256/) });
    expect(replies.at(-1)).toMatchObject({ type: "file-failed" });
  });

  it("fails bytes before acceptance, an early file-done, oversized chunks and malformed messages", async () => {
    const cases: [string, (channel: FakeDataChannel, incoming: IncomingFileTransfer) => void, RegExp][] = [
      ["bytes first", (c) => c.send(bytes(4).buffer), /before they were accepted/],
      ["early done", (c, t) => (t.accept(), c.send(bytes(4).buffer), c.send(JSON.stringify({ type: "file-done", sha256: "a".repeat(64) }))), /after 4 of the 1000 bytes/],
      ["huge chunk", (c, t) => (t.accept(), c.send(new ArrayBuffer(300_000))), /chunk of 300000 bytes/],
      ["not JSON", (c) => c.send("{nope"), /not JSON/],
      ["wrong direction", (c) => c.send(JSON.stringify({ type: "file-accept" })), /malformed or out of place/],
      ["long text", (c) => c.send("x".repeat(5000)), /longer than 2048/],
    ];
    for (const [label, misbehave, reason] of cases) {
      const { alicePc, nextOffer } = setup();
      const channel = await rawChannel(alicePc);
      channel.send(offerOf(1000));
      const incoming = await nextOffer();
      misbehave(channel, incoming);
      await watch(incoming).ended();
      expect(incoming.outcome, label).toMatchObject({ state: "failed", reason: expect.stringMatching(reason) });
    }
  });

  it("drops malformed offers with an error and no offer event", async () => {
    for (const first of [offerOf(-1), offerOf(10, { name: "../x" }), "[]", bytes(3).buffer]) {
      const { alicePc, offers, errors } = setup();
      const channel = await rawChannel(alicePc);
      channel.send(first);
      await expect.poll(() => channel.readyState).toBe("closed");
      expect(offers).toEqual([]);
      expect(errors).toEqual([expect.stringMatching(/^alice's file offer was dropped/)]);
    }
  });

  it("closes a channel whose offer never comes", async () => {
    const { alicePc, errors } = setup({ offerTimeoutMs: 30 });
    const channel = await rawChannel(alicePc);
    await expect.poll(() => channel.readyState).toBe("closed");
    expect(errors).toEqual([expect.stringMatching(/no offer came within 30 ms/)]);
  });

  it("takes at most maxIncoming transfers at once; the next channel is closed", async () => {
    const { alicePc, offers, errors } = setup({ maxIncoming: 2 });
    const channels = [await rawChannel(alicePc), await rawChannel(alicePc)];
    channels.forEach((channel, i) => channel.send(offerOf(10, { id: `f${i}` })));
    await expect.poll(() => offers.length).toBe(2);
    const third = await rawChannel(alicePc);
    await expect.poll(() => third.readyState).toBe("closed");
    expect(errors).toEqual([expect.stringMatching(/more than 2 files at once/)]);
    // One ends: there is room again.
    offers[0]!.decline();
    await expect.poll(() => offers[0]!.ended).toBe(true);
    const fourth = await rawChannel(alicePc);
    fourth.send(offerOf(10, { id: "f4" }));
    await expect.poll(() => offers.length).toBe(3);
  });

  it("close() stops waiting for offers, also on channels that closed without an event (as RTCPeerConnection.close() leaves them)", async () => {
    const { alicePc, bobPc, bob, errors } = setup({ offerTimeoutMs: 30 });
    await rawChannel(alicePc);
    await expect.poll(() => bobPc.channels.length).toBe(1);
    bobPc.channels[0]!.readyState = "closed";
    bob.close("The call ended.");
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(errors).toEqual([]);
  });

  it("leaves data channels of other protocols alone", async () => {
    const { alicePc, bobPc, offers, errors } = setup();
    const channel = alicePc.createDataChannel("chat", { protocol: "app-chat" });
    await expect.poll(() => channel.readyState).toBe("open");
    channel.send("hello");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bobPc.channels[0]!.readyState).toBe("open");
    expect([offers, errors]).toEqual([[], []]);
  });
});
