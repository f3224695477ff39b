import { FrameParts, type Frame } from "../../src/wire/frame.js";
import type { Peer } from "../../src/hub/peer.js";

const decoder = new TextDecoder();

/** A peer for the hub's unit tests: keeps every message it is sent, decoded. */
export class TestPeer implements Peer {
  readonly id: string;
  name: string | null = null;
  readonly inbox: Record<string, unknown>[] = [];
  constructor(
    id: string,
    readonly modern = false,
  ) {
    this.id = id;
  }
  send(frame: Frame): void {
    this.inbox.push(JSON.parse(typeof frame === "string" ? frame : decoder.decode(frame instanceof FrameParts ? frame.join() : frame)));
  }
  of(type: string) {
    return this.inbox.filter((m) => m.type === type);
  }
}
