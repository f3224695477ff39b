// ScreenShare with stand-in tracks and calls: who is told what, in which order, and who stops
// the capture.
import { describe, expect, it } from "vitest";
import type { Call } from "../call/call.js";
import { ScreenShare, type ScreenShareHost } from "./screen-share.js";

class FakeTrack extends EventTarget {
  readonly kind = "video";
  readyState: "live" | "ended" = "live";
  constructor(readonly id: string) {
    super();
  }
  stop(): void {
    this.readyState = "ended";
  }
}

const capture = (id: string) => {
  const track = new FakeTrack(`${id}-track`);
  const stream = { id, getVideoTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream;
  return { stream, track };
};

function setup(options: { unavailable?: string } = {}) {
  const log: string[] = [];
  const call = (name: string) =>
    ({
      shareScreen: (track: MediaStreamTrack, wire: MediaStream) => log.push(`${name}:share ${track.id} as ${wire.id}`),
      stopScreenShare: () => log.push(`${name}:stop`),
    }) as unknown as Call;
  const calls = [call("a")];
  const host: ScreenShareHost = {
    unavailable: () => options.unavailable ?? null,
    calls: () => calls,
    announce: (id) => log.push(`announce ${id}`),
    changed: (stream) => log.push(`changed ${stream?.id ?? null}`),
  };
  return { share: new ScreenShare(host), log, calls, call };
}

describe("ScreenShare", () => {
  it("announces the stream before sharing it, replaces without announcing, keeps the first stream's id", async () => {
    const { share, log } = setup();
    const first = capture("one");
    const second = capture("two");
    await share.start(async () => first.stream);
    expect(share.streamId).toBe("one");
    await share.start(async () => second.stream);
    expect(log).toEqual(["announce one", "a:share one-track as one", "changed one", "a:share two-track as one", "changed two"]);
    expect(share.stream).toBe(second.stream);
    expect(share.streamId).toBe("one");
    // The replaced capture was the SDK's: stopped.
    expect([first.track.readyState, second.track.readyState]).toEqual(["ended", "live"]);
  });

  it("the browser's own Stop sharing (the track ends) stops the share and tells the peers", async () => {
    const { share, log } = setup();
    const { stream, track } = capture("one");
    await share.start(async () => stream);
    log.length = 0;
    track.stop();
    track.dispatchEvent(new Event("ended"));
    expect(log).toEqual(["announce null", "a:stop", "changed null"]);
    expect(share.stream).toBe(null);
    expect(share.streamId).toBe(null);
  });

  it("never stops a stream the app handed over; stops what it opened when the call ends, telling nobody", async () => {
    const { share, log } = setup();
    const apps = capture("apps");
    await share.start(apps.stream);
    share.stop();
    expect(apps.track.readyState).toBe("live");
    const owned = capture("owned");
    await share.start(async () => owned.stream);
    log.length = 0;
    share.close();
    expect(owned.track.readyState).toBe("ended");
    expect(log).toEqual(["changed null"]);
  });

  it("a peer connection made while sharing gets the share", async () => {
    const { share, log, call } = setup();
    share.addCall(call("early"));
    await share.start(async () => capture("one").stream);
    share.addCall(call("late"));
    expect(log.filter((entry) => entry.includes(":share"))).toEqual(["a:share one-track as one", "late:share one-track as one"]);
  });

  it("a capture that opens after stop() or the call's end is stopped, not shared", async () => {
    const { share, log } = setup();
    const { stream, track } = capture("slow");
    let open!: (stream: MediaStream) => void;
    const started = share.start(() => new Promise((resolve) => (open = resolve)));
    share.close();
    open(stream);
    await expect(started).rejects.toThrow(/stopped before the capture opened/);
    expect(track.readyState).toBe("ended");
    expect(log).toEqual([]);
  });

  it("rejects without opening anything when there is no call to share to, or the stream has no video", async () => {
    let opened = false;
    const { share } = setup({ unavailable: "join the group call first" });
    await expect(share.start(async () => ((opened = true), capture("x").stream))).rejects.toThrow("Screen sharing: join the group call first.");
    expect(opened).toBe(false);
    const audioOnly = { id: "a", getVideoTracks: () => [], getTracks: () => [] } as unknown as MediaStream;
    await expect(setup().share.start(audioOnly)).rejects.toThrow(/no video track/);
  });

  it("a refused capture (the user closed the picker) rejects with the browser's error, and nothing changes", async () => {
    const { share, log } = setup();
    const refused = new DOMException("Permission denied", "NotAllowedError");
    await expect(share.start(() => Promise.reject(refused))).rejects.toBe(refused);
    expect(log).toEqual([]);
  });
});
