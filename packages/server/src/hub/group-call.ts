import type { GroupCallMedia } from "@switchboard/protocol";
import { admitToGroupCall, type GroupCallPolicy, type GroupRefusal } from "../bus/group-admission.js";
import { encodeShared } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import type { GroupMedia } from "./group-media.js";
import type { Peer } from "./peer.js";

/**
 * One room's group call: who is in it, in the order they joined (as the cluster's store has
 * it), and how it carries media. A mesh connects each pair directly, so every participant
 * uploads its media once per other participant: past the mesh's capacity a join is refused
 * instead of degrading everyone's call, unless a media server (Janus) takes the call over.
 */
export class GroupCall {
  readonly #participants = new Set<string>();
  #media: GroupCallMedia = "mesh";
  /** Of the store's state last adopted: an older one is ignored. */
  #version = 0;
  /** The `group-call` frame, encoded once until the call changes. */
  #frame: Uint8Array | undefined;

  constructor(
    readonly room: string,
    private readonly groupMedia: GroupMedia,
  ) {}

  get size(): number {
    return this.#participants.size;
  }

  /** "mesh" when nobody is in it. */
  get media(): GroupCallMedia {
    return this.#participants.size > 0 ? this.#media : "mesh";
  }

  has(name: string): boolean {
    return this.#participants.has(name);
  }

  /** Throws `group-call-full` or `media-unavailable` when one more would be refused, as the call is known here. */
  checkRoom(): void {
    const policy = this.groupMedia.policy();
    const admission = admitToGroupCall(this.size, this.media, policy);
    if (typeof admission === "string") throw groupCallRefused(admission, this.media, policy);
  }

  /**
   * The participants as the store has them at `version`, in join order; false when nothing
   * changed, or the state is older than the last (unless `fresh`: after an outage, versions restart).
   */
  adopt(version: number, participants: readonly string[], media: GroupCallMedia, fresh = false): boolean {
    if (version <= this.#version && !fresh) return false;
    this.#version = version;
    const current = [...this.#participants];
    const same = current.length === participants.length && current.every((name, i) => name === participants[i]);
    if (same && media === this.#media) return false;
    this.#media = media;
    this.#participants.clear();
    for (const name of participants) this.#participants.add(name);
    this.#frame = undefined;
    return true;
  }

  /** Removes `name`; false when it was not in. */
  leave(name: string): boolean {
    if (!this.#participants.delete(name)) return false;
    this.#frame = undefined;
    return true;
  }

  /** The call changed: tells this node's modern users (`local`: its users in the room), and the media server. */
  announce(local: Iterable<Peer>): void {
    const frame = this.frame();
    const inCall = new Set<string>();
    for (const peer of local) {
      if (peer.modern) peer.send(frame, true);
      if (this.#participants.has(peer.name!)) inCall.add(peer.name!);
    }
    this.groupMedia.callChanged(this.room, this.participants(), this.media, inCall);
  }

  /** `media` only for an SFU call: a mesh's frame is as it always was. */
  frame(): Uint8Array {
    const media = this.media === "sfu" ? { media: "sfu" as const } : {};
    return (this.#frame ??= encodeShared({ type: "group-call", participants: this.participants(), ...media }));
  }

  /** In join order. */
  participants(): string[] {
    return [...this.#participants];
  }
}

/** What a refused join is told: how many places there are, or that the media server is needed. */
export function groupCallRefused(refusal: GroupRefusal, media: GroupCallMedia, policy: GroupCallPolicy): ProtocolError {
  if (refusal === "media-unavailable") {
    return new ProtocolError(
      "media-unavailable",
      `The media server (Janus) cannot be reached, and a mesh holds only ${policy.meshCapacity} people (MAX_MESH_PARTICIPANTS). Try again in a moment.`,
    );
  }
  if (media === "sfu" && policy.sfu) {
    return new ProtocolError("group-call-full", `All ${policy.sfu.capacity} places are taken (MAX_SFU_PARTICIPANTS). Try again when someone leaves.`);
  }
  return new ProtocolError(
    "group-call-full",
    `All ${policy.meshCapacity} places are taken (MAX_MESH_PARTICIPANTS): each participant connects to every other, so more would overload them. Try again when someone leaves.`,
  );
}
