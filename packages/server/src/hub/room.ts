import {
  CALL_CLOSING_TYPES,
  CALL_MESSAGE_TYPES,
  CALL_OPENING_TYPES,
  SERVER_MESSAGE_TYPES,
  type ChatMessage,
  type DeliveredChatMessage,
  type GroupCallMedia,
  type Ref,
  type UserStatus,
} from "@switchboard/protocol";
import type { Delivery, GroupCallState, UnnumberedChat } from "../bus/bus.js";
import type { DecodedMessage } from "../wire/codec.js";
import { stampSender, type Frame } from "../wire/frame.js";
import { encodeMessage, encodeShared } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import { CallGraph } from "./call-graph.js";
import { ChatHistory } from "./chat-history.js";
import { GroupCall } from "./group-call.js";
import type { GroupMedia } from "./group-media.js";
import { forRecipient } from "./html-escape.js";
import type { Peer } from "./peer.js";
import { PresenceFeed } from "./presence-feed.js";
import { RemotePeer } from "./remote-peer.js";
import { RoomMembers, chooseName, type ChosenName } from "./room-members.js";
import { RoomModeration, type ModeratorRule } from "./room-moderation.js";

export interface RoomOptions {
  presenceIntervalMs: number;
  /** Public chat messages kept for clients that log in... */
  historySize: number;
  /** ...and the bytes of their JSON, all together. */
  historyMaxBytes: number;
  /** Longest chat text, in UTF-16 code units (what JavaScript's `length` counts). */
  maxChatTextLength: number;
  /** Most participants in a mesh group call... */
  maxMeshParticipants: number;
  /** ...and the media server, for larger calls or all of them (`meshOnly`: none). */
  groupMedia: GroupMedia;
  moderatorRule: ModeratorRule;
}

const encoder = new TextEncoder();

/**
 * One room: its presence, public chat and history, call routing, busy status and group call.
 * Nothing leaves a room: names are unique within it, and every recipient is one of its users.
 * Every message that leaves here carries the sender's real name, set here, never taken from
 * the sender. Free of sockets (see `Hub` for the rooms).
 *
 * In a cluster it holds other nodes' users too (`RemotePeer`s): what goes to everyone goes to this
 * node's users (each node serves its own), what goes to one user goes wherever that user is.
 */
export class Room {
  readonly #members = new RoomMembers();
  /** The `history` frame, encoded once until the next public chat message. */
  #historyFrame: Uint8Array | undefined;
  /** Links of this node's users: each node tracks the calls of its own. */
  readonly #calls = new CallGraph();
  readonly #groupCall: GroupCall;
  readonly #presence: PresenceFeed;
  readonly #history: ChatHistory;
  readonly #maxChatTextLength: number;
  readonly moderation: RoomModeration;

  /**
   * `name`: the room's name as its first user spelled it (checked: `checkRoomName`); look-alike
   * spellings lead here too.
   */
  constructor(
    readonly name: string,
    options: RoomOptions,
  ) {
    this.#groupCall = new GroupCall(name, options.groupMedia);
    this.#history = new ChatHistory({ size: options.historySize, maxBytes: options.historyMaxBytes });
    this.#maxChatTextLength = options.maxChatTextLength;
    this.moderation = new RoomModeration(this.#members, options.moderatorRule);
    this.#presence = new PresenceFeed({ peers: () => this.#members.local(), names: () => [...this.#members.names()] }, options.presenceIntervalMs);
  }

  get userCount(): number {
    return this.#members.size;
  }

  get localUserCount(): number {
    return this.#members.localSize;
  }

  get groupCallSize(): number {
    return this.#groupCall.size;
  }

  get groupCallMedia(): GroupCallMedia {
    return this.#groupCall.media;
  }

  /**
   * The name `requested` gets here: itself, or a numbered variant if it looks like a name in use
   * (the article's rule, by `usernameKeys`), with its keys. `replaced`: a user whose name counts
   * as free; `taken`: keys known taken elsewhere.
   */
  nameFor(requested: unknown, replaced?: string, taken?: ReadonlySet<string>): ChosenName {
    return chooseName(requested, (key) => this.#members.keyTaken(key, replaced) || taken?.has(key) === true);
  }

  /**
   * Logs `peer` in under `name`, claimed for it cluster-wide, and tells it when that is not the
   * name it `requested` (`rejectusername`). `moved`: the user was here already (another session,
   * on another node): nobody sees it join. `admitted` runs once the name is taken, before anything
   * is sent (a `join-room` answers there, ahead of the room's presence). A modern peer then gets
   * the room's presence, history and group call. All or nothing: if anything fails, the name is
   * given back before the error goes on.
   */
  admit(peer: Peer, { name, keys, requested, place }: ChosenName & { place?: number }, movedHere: boolean, admitted?: (name: string) => void): void {
    const present = this.#members.get(name);
    const moved = movedHere && present !== undefined;
    const wasBusy = moved && this.#members.isBusy(name);
    // The store gave us the name: a user still here under it left elsewhere, and its event is late.
    if (!moved && present?.node !== undefined) this.remove(name, present.id);
    if (moved) this.#members.replace(name, peer);
    else this.#members.add(name, peer, false, keys, place);
    try {
      admitted?.(name);
      if (name !== requested) peer.send(encodeMessage({ type: "rejectusername", name }));
      if (peer.modern) {
        peer.send(this.#members.snapshot(), true);
        peer.send((this.#historyFrame ??= encodeShared({ type: "history", messages: this.#history.recent() })), true);
        peer.send(this.#groupCall.frame(), true);
      }
    } catch (error) {
      this.#members.remove(name);
      if (moved) this.#presence.left(name);
      throw error;
    }
    // A moved user's session starts out available, as a fresh one does.
    if (wasBusy) this.#statusChanged(name, false);
    if (!moved) this.#presence.joined(name, !peer.modern);
    this.moderation.membersChanged(peer, peer.modern);
  }

  /** `peer`'s name, when it is this room's user. */
  nameOf(peer: Peer): string {
    const name = peer.name;
    if (name === null || this.#members.get(name) !== peer) throw new ProtocolError("not-logged-in");
    return name;
  }

  /**
   * A user is gone from the room (this node's, or another's: `session` is the one that left):
   * drop it from presence at once, hang up on its call partners here, and take it out of the
   * group call (everyone is told at once, not coalesced: its tile must go now).
   */
  remove(name: string, session: string): boolean {
    if (this.#members.get(name)?.id !== session) return false;
    this.#members.remove(name);
    for (const partner of this.#calls.removeUser(name)) {
      // On the user's behalf, as if it had hung up itself: stamped as relayed from it. A partner
      // on another node is hung up on by its own node, which sees the user leave too.
      this.localPeer(partner)?.send(encodeMessage({ type: "hang-up", name, from: name, target: partner, reason: "gone" }));
    }
    this.#presence.left(name);
    if (this.#groupCall.leave(name)) this.#groupCallChanged();
    this.moderation.membersChanged();
    return true;
  }

  /** Another node's user joined. */
  joinedElsewhere(peer: RemotePeer, busy: boolean): void {
    const current = this.#members.get(peer.name);
    if (current) {
      if (current.node === undefined) return;
      this.remove(current.name!, current.id);
    }
    this.#members.add(peer.name, peer, busy, undefined, peer.member.place);
    this.#presence.joined(peer.name, !peer.modern);
    this.moderation.membersChanged(peer);
  }

  /**
   * A user moved to another session or node (another node's, or this one's being handed over):
   * nobody sees it. `busy`: its status there (undefined: unchanged). `partners`: its calls, as
   * the node it comes from tracked them.
   */
  moved(name: string, previousSession: string, peer: Peer, busy?: boolean, partners: readonly string[] = []): void {
    if (this.#members.get(name)?.id !== previousSession) return;
    this.#members.replace(name, peer);
    this.moderation.membersChanged();
    if (busy !== undefined) this.#statusChanged(name, busy);
    for (const partner of partners) if (this.#members.get(partner)) this.#calls.link(name, partner);
    // Through the media server, its handles are its node's: the node it left lets go, the new one takes it on.
    if (this.#groupCall.has(name) && this.#groupCall.media === "sfu") this.#groupCallChanged();
  }

  /** Who `name` is in a call with, as this node tracks it. */
  partnersOf(name: string): string[] {
    return this.#calls.partnersOf(name);
  }

  statusElsewhere(name: string, session: string, busy: boolean): void {
    if (this.#members.get(name)?.id === session) this.#statusChanged(name, busy);
  }

  /** Joins the room's group call here, first: refused when it is known full, a no-op when in it. */
  checkGroupJoin(peer: Peer): string | undefined {
    const name = this.nameOf(peer);
    if (this.#groupCall.has(name)) return undefined;
    this.#groupCall.checkRoom();
    return name;
  }

  /** Leaves the group call here at once; the name when it was in it. */
  groupLeave(peer: Peer): string | undefined {
    const name = this.nameOf(peer);
    if (!this.#groupCall.leave(name)) return undefined;
    this.#groupCallChanged();
    return name;
  }

  /** The store's group call: an older state than the last is ignored, unless `fresh` (after an outage, versions restart). */
  groupCallIs(state: GroupCallState, fresh = false): void {
    const present = state.participants.filter((name) => this.#members.get(name));
    if (this.#groupCall.adopt(state.version, present, state.media, fresh)) this.#groupCallChanged();
  }

  #groupCallChanged(): void {
    this.#groupCall.announce(this.#members.local());
  }

  /**
   * Private chat (a `target`) is delivered now; public chat is returned, to be numbered by the
   * store and then `published` everywhere, the sender included (as in the article). What is
   * delivered is built here from the fields chat defines, nothing else the sender put in the
   * message: `text`, `target` and `date` (the sender's, bounded by the schema, as the article's
   * server keeps it; else the server's clock).
   */
  chat(sender: Peer, message: ChatMessage, ref?: Ref): UnnumberedChat | undefined {
    const name = this.nameOf(sender);
    if (message.text.length > this.#maxChatTextLength) {
      throw new ProtocolError("text-too-long", `${message.text.length} characters; the limit is ${this.#maxChatTextLength}.`);
    }
    const recipient = this.#members.recipientOf(message);
    const date = message.date ?? Date.now();
    if (!recipient) return { type: "message", name, text: message.text, date };
    const delivered: DeliveredChatMessage = { type: "message", name, text: message.text, date, target: recipient.name };
    this.#sendTo(recipient, encodeMessage(forRecipient(delivered, recipient)), "message", sender, ref);
    return undefined;
  }

  /** A numbered public chat message: kept in the history and sent to this node's users. */
  published(delivered: DeliveredChatMessage): void {
    const modernFrame = encodeShared(delivered);
    this.#history.keep(delivered, modernFrame.byteLength);
    this.#historyFrame = undefined;
    let legacyFrame: Frame | undefined;
    for (const peer of this.#members.local()) {
      if (peer.modern) peer.send(modernFrame, true);
      else peer.send((legacyFrame ??= encodeShared(forRecipient(delivered, peer))), true);
    }
  }

  /**
   * Any other message: to its `target` alone (in this room); an untargeted call message to the
   * sender's call partners only; anything else untargeted to everyone in the room: returned, for
   * the other nodes. The payload is passed through as is, stamped with the sender (`name` and
   * `from`, overwriting the sender's own). The server's own types are never relayed. `source`,
   * the bytes `message` was decoded from, is reused when it can be (see `stampSender`).
   */
  relay(sender: Peer, message: DecodedMessage, source?: Buffer, ref?: Ref): Uint8Array | undefined {
    const name = this.nameOf(sender);
    if (SERVER_MESSAGE_TYPES.has(message.type)) throw new ProtocolError("reserved-type", `"${message.type}" comes only from the server.`);
    const reusable = source !== undefined && !Object.hasOwn(message, "name") && !Object.hasOwn(message, "from") ? source : undefined;
    message.name = name;
    message.from = name;
    const recipient = this.#members.recipientOf(message);
    // The payload is the sender's, passed through: only its envelope is the server's to type.
    const frame = reusable === undefined ? JSON.stringify(message) : stampSender(reusable, this.#members.stampOf(name));
    if (recipient) {
      this.#trackCall(message.type, name, recipient.name!);
      this.#sendTo(recipient, frame, message.type, sender, ref);
      return undefined;
    }
    if (CALL_MESSAGE_TYPES.has(message.type)) {
      this.#relayToPartners(sender, name, message.type, frame, ref);
      return undefined;
    }
    const encoded = typeof frame === "string" ? encoder.encode(frame) : frame;
    this.broadcast(encoded);
    return encoded;
  }

  /** To this node's users. */
  broadcast(frame: Uint8Array): void {
    for (const peer of this.#members.local()) peer.send(frame, true);
  }

  /** A message from another node for a user here; false when that user is not here. */
  deliver(delivery: Delivery): boolean {
    const recipient = this.#members.get(delivery.to);
    if (!recipient || recipient.node !== undefined) return false;
    // Another session of that name: the one it was for is gone (a moved user's is passed on with its new id).
    if (recipient.id !== delivery.toSession) return false;
    if (delivery.from !== "") this.#trackCall(delivery.type, delivery.from, delivery.to);
    recipient.send(Buffer.from(delivery.frame.buffer, delivery.frame.byteOffset, delivery.frame.byteLength));
    return true;
  }

  /** A relay of `delivery.from`'s found nobody: its call link goes, and it is told. */
  undelivered(delivery: Delivery): void {
    const sender = this.#members.get(delivery.from);
    if (!sender || sender.id !== delivery.fromSession || sender.node !== undefined) return;
    if (CALL_OPENING_TYPES.has(delivery.type)) this.#calls.unlink(delivery.from, delivery.to);
    sender.refused?.("unknown-target", `"${delivery.to.slice(0, 64)}" is not in this room.`, delivery.ref);
  }

  groupParticipants(): string[] {
    return this.#groupCall.participants();
  }

  /** `name`, when it is another node's user. */
  nodeOf(name: string): RemotePeer | undefined {
    const peer = this.#members.get(name);
    return peer instanceof RemotePeer ? peer : undefined;
  }

  localPeer(name: string): Peer | undefined {
    const peer = this.#members.get(name);
    return peer?.node === undefined ? peer : undefined;
  }

  isBusy = (name: string): boolean => this.#members.isBusy(name);

  setStatus(sender: Peer, status: UserStatus): boolean {
    const name = this.nameOf(sender);
    return this.#statusChanged(name, status === "busy");
  }

  /** This node's users, their busy status and group-call places (see `Hub.localState`). */
  *localUsers(): Iterable<{ peer: Peer; busy: boolean; inGroupCall: boolean }> {
    for (const peer of this.#members.local()) {
      yield { peer, busy: this.#members.isBusy(peer.name!), inGroupCall: this.#groupCall.has(peer.name!) };
    }
  }

  recentChat(): DeliveredChatMessage[] {
    return this.#history.recent();
  }

  /** The store's history, for a room this node had not seen chat in. */
  seedHistory(messages: readonly DeliveredChatMessage[]): void {
    if (this.#history.recent().length > 0) return;
    for (const message of messages) this.#history.keep(message, encodeShared(message).byteLength);
    this.#historyFrame = undefined;
  }

  /** Everyone here not on this node. */
  *remoteUsers(): Iterable<RemotePeer> {
    for (const peer of this.#members.all()) if (peer instanceof RemotePeer) yield peer;
  }

  close(): void {
    this.#presence.close();
  }

  #statusChanged(name: string, busy: boolean): boolean {
    if (!this.#members.setBusy(name, busy)) return false;
    this.#presence.statusChanged(name, busy ? "busy" : "available");
    return true;
  }

  #sendTo(recipient: Peer, frame: Frame, type: string, sender: Peer, ref: Ref | undefined): void {
    if (recipient instanceof RemotePeer) recipient.relay(frame, type, sender, ref);
    else recipient.send(frame);
  }

  #relayToPartners(sender: Peer, name: string, type: string, text: string | Buffer, ref: Ref | undefined): void {
    // Through the media server there are no pairs: a participant's media state is for the whole call.
    const wholeCall = type === "media-state" && this.#groupCall.media === "sfu" && this.#groupCall.has(name);
    const partners = wholeCall ? this.#groupCall.participants().filter((other) => other !== name) : this.#calls.partnersOf(name);
    if (partners.length === 0) {
      // The article's client sends its hang-up untargeted after every call, and a lone group-call
      // participant may toggle its camera: nothing to do.
      if (type === "hang-up" || type === "media-state") return;
      throw new ProtocolError("no-call");
    }
    const frame = typeof text === "string" ? encoder.encode(text) : text;
    for (const partner of partners) {
      this.#trackCall(type, name, partner);
      const recipient = this.#members.get(partner);
      if (recipient instanceof RemotePeer) recipient.relay(frame, type, sender, ref);
      else recipient?.send(frame, partners.length > 1);
    }
  }

  #trackCall(type: string, from: string, to: string): void {
    if (CALL_OPENING_TYPES.has(type)) this.#calls.link(from, to);
    else if (CALL_CLOSING_TYPES.has(type)) this.#calls.unlink(from, to);
  }
}
