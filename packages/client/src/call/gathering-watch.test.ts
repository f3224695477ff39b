import { describe, expect, it, vi } from "vitest";
import { GatheringWatch } from "./gathering-watch.js";

describe("GatheringWatch", () => {
  it("reports a first gathering round that found no candidate, with the ICE errors seen", () => {
    const nothing = vi.fn();
    const watch = new GatheringWatch(nothing);
    watch.gatheringState("gathering");
    watch.candidateError({ errorCode: 401, errorText: "Unauthorized", url: "turn:127.0.0.1:3478?transport=udp" });
    watch.gatheringState("complete");
    expect(nothing).toHaveBeenCalledWith(["401 Unauthorized (turn:127.0.0.1:3478?transport=udp)"]);
  });

  it("says nothing when a candidate was gathered", () => {
    const nothing = vi.fn();
    const watch = new GatheringWatch(nothing);
    watch.gatheringState("gathering");
    watch.candidate();
    watch.gatheringState("complete");
    expect(nothing).not.toHaveBeenCalled();
  });

  it("leaves empty rounds after the first connection to ICE recovery (e.g. the relay restarting)", () => {
    const nothing = vi.fn();
    const watch = new GatheringWatch(nothing);
    watch.gatheringState("gathering");
    watch.candidate();
    watch.gatheringState("complete");
    watch.connectionState("connected");
    watch.connectionState("disconnected");
    watch.gatheringState("gathering");
    watch.gatheringState("complete");
    expect(nothing).not.toHaveBeenCalled();
  });
});
