// CallScreen against the fake RTCPeerConnection: our share's transceiver, and which remote
// stream is their screen.
import { describe, expect, it } from "vitest";
import { FakePeerConnection, type FakeTransceiver } from "../../test/support/fake-peer-connection.js";
import { CallScreen } from "./call-screen.js";

const track = (id: string) => ({ id, kind: "video" }) as unknown as MediaStreamTrack;
const stream = (id: string) => ({ id }) as unknown as MediaStream;
const trackEvent = (streamId: string | null) => ({ track: track("t"), streams: streamId === null ? [] : [stream(streamId)] }) as unknown as RTCTrackEvent;

function screenOf(initiator: boolean) {
  const pc = new FakePeerConnection();
  const remote: (string | null)[] = [];
  const screen = new CallScreen(pc as unknown as RTCPeerConnection, initiator, {
    remoteChanged: (s) => remote.push(s?.id ?? null),
    error: (error) => {
      throw error;
    },
  });
  return { pc, screen, remote };
}

describe("CallScreen", () => {
  it("sends our share on a transceiver of its own, replaces its track, and stops and restarts on the same one", async () => {
    const { pc, screen } = screenOf(true);
    screen.share(track("s1"), stream("wire"));
    const [transceiver] = pc.transceivers as [FakeTransceiver];
    expect(pc.transceivers).toHaveLength(1);
    expect([transceiver.kind, transceiver.direction, transceiver.streamIds]).toEqual(["video", "sendrecv", ["wire"]]);
    screen.share(track("s2"), stream("other"));
    await Promise.resolve();
    expect(pc.transceivers).toHaveLength(1);
    expect((transceiver.sender.track as MediaStreamTrack).id).toBe("s2");
    screen.unshare();
    await Promise.resolve();
    expect([transceiver.sender.track, transceiver.direction]).toEqual([null, "recvonly"]);
    screen.share(track("s3"), stream("wire"));
    await Promise.resolve();
    expect(pc.transceivers).toHaveLength(1);
    expect([(transceiver.sender.track as MediaStreamTrack).id, transceiver.direction]).toEqual(["s3", "sendrecv"]);
  });

  it("the side that did not start the call adds its share only once the first remote offer is in", () => {
    const { pc, screen } = screenOf(false);
    screen.share(track("s1"), stream("wire"));
    expect(pc.transceivers).toHaveLength(0);
    screen.ready();
    expect(pc.transceivers.map((t) => t.streamIds)).toEqual([["wire"]]);
    screen.ready();
    expect(pc.transceivers).toHaveLength(1);
  });

  it("a share stopped before the first remote offer is never added", () => {
    const { pc, screen } = screenOf(false);
    screen.share(track("s1"), stream("wire"));
    screen.unshare();
    screen.ready();
    expect(pc.transceivers).toHaveLength(0);
  });

  it("claims only tracks of the stream their media-state named; a stop and a restart show it again", () => {
    const { screen, remote } = screenOf(true);
    expect(screen.claims(trackEvent("their-screen"))).toBe(false); // Not announced (yet): their camera, as far as we know.
    screen.setRemote("their-screen");
    expect(screen.claims(trackEvent("their-camera"))).toBe(false);
    expect(screen.claims(trackEvent(null))).toBe(false);
    expect(screen.claims(trackEvent("their-screen"))).toBe(true);
    expect(screen.remoteStream?.id).toBe("their-screen");
    screen.setRemote(null);
    expect(screen.remoteStream).toBe(null);
    screen.setRemote("their-screen");
    expect(screen.remoteStream?.id).toBe("their-screen");
    expect(remote).toEqual(["their-screen", null, "their-screen"]);
  });
});
