import type { Ref } from "@switchboard/protocol";
import type { Bus, MemberRecord } from "../bus/bus.js";
import { FrameParts, type Frame } from "../wire/frame.js";
import type { Peer } from "./peer.js";

/** A user logged in on another node: what the room sends it goes through the bus to that node. */
export class RemotePeer implements Peer {
  constructor(
    readonly member: MemberRecord,
    private readonly bus: Bus,
  ) {}

  get id(): string {
    return this.member.session;
  }

  get name(): string {
    return this.member.name;
  }

  get modern(): boolean {
    return this.member.modern;
  }

  get node(): string {
    return this.member.node;
  }

  get moderator(): boolean {
    return this.member.moderator === true;
  }

  /** A frame from the server itself. */
  send(frame: Frame): void {
    this.bus.relay(this.member.node, this.#delivery(frame, "", undefined));
  }

  /** A frame from `sender` (a user of this node), of `type`: its node can answer it if this user is gone. */
  relay(frame: Frame, type: string, sender: Peer, ref: Ref | undefined): void {
    this.bus.relay(this.member.node, this.#delivery(frame, type, sender, ref));
  }

  #delivery(frame: Frame, type: string, sender: Peer | undefined, ref?: Ref) {
    return {
      room: this.member.room,
      to: this.member.name,
      toSession: this.member.session,
      from: sender?.name ?? "",
      fromSession: sender?.id ?? "",
      fromNode: this.bus.nodeId,
      type,
      ...(ref === undefined ? {} : { ref }),
      frame: bytesOf(frame),
      hops: 0,
    };
  }
}

function bytesOf(frame: Frame): Uint8Array {
  if (typeof frame === "string") return Buffer.from(frame);
  return frame instanceof FrameParts ? frame.join() : frame;
}
