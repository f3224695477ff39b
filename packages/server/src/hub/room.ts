import {
  CALL_CLOSING_TYPES,
  CALL_MESSAGE_TYPES,
  CALL_OPENING_TYPES,
  SERVER_MESSAGE_TYPES,
  checkUsername,
  uniqueUsername,
  usernameKeys,
  type ChatMessage,
  type DeliveredChatMessage,
  type UserStatus,
  type UserlistMessage,
} from "@switchboard/protocol";
import type { DecodedMessage } from "../wire/codec.js";
import { FrameParts, senderStamp, stampSender, type Frame } from "../wire/frame.js";
import { encodeMessage, encodeShared } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import { CallGraph } from "./call-graph.js";
import { ChatHistory } from "./chat-history.js";
import { GroupCall } from "./group-call.js";
import { escapeHtml } from "./html-escape.js";
import type { Peer } from "./peer.js";
import { PresenceFeed } from "./presence-feed.js";
import { Roster } from "./roster.js";

export interface RoomOptions {
  presenceIntervalMs: number;
  /** Public chat messages kept for clients that log in... */
  historySize: number;
  /** ...and the bytes of their JSON, all together. */
  historyMaxBytes: number;
  /** Longest chat text, in UTF-16 code units (what JavaScript's `length` counts). */
  maxChatTextLength: number;
  /** Most participants in the room's group call. */
  maxMeshParticipants: number;
}

const encoder = new TextEncoder();
const SNAPSHOT_HEAD = encoder.encode('{"type":"userlist","users":[');

/**
 * One room: its presence, public chat and history, call routing, busy status and group call.
 * Nothing leaves a room: names are unique within it, and every recipient is one of its users.
 * Every message that leaves here carries the sender's real name, set here, never taken from
 * the sender. Free of sockets (see `Hub` for the rooms).
 */
export class Room {
  readonly #users = new Map<string, Peer>();
  /** The comparison keys of the names in use (`usernameKeys`): each belongs to one user. */
  readonly #nameKeys = new Set<string>();
  readonly #busy = new Set<string>();
  /** Users who speak only the article's protocol, in login order. */
  readonly #legacy = new Set<string>();
  readonly #roster = new Roster();
  /** `,"name":<name>,"from":<name>}` per user, for relaying without re-serializing (see `stampSender`). */
  readonly #senderStamps = new Map<string, Buffer>();
  /** The `history` frame, encoded once until the next public chat message. */
  #historyFrame: Uint8Array | undefined;
  readonly #calls = new CallGraph();
  readonly #groupCall: GroupCall;
  /** The `group-call` frame, encoded once until the group call changes. */
  #groupCallFrame: Uint8Array | undefined;
  readonly #presence: PresenceFeed;
  readonly #history: ChatHistory;

  readonly #maxChatTextLength: number;

  /**
   * `name`: the room's name as its first user spelled it (checked: `checkRoomName`); look-alike
   * spellings lead here too.
   */
  constructor(
    readonly name: string,
    options: RoomOptions,
  ) {
    this.#groupCall = new GroupCall(options.maxMeshParticipants);
    this.#history = new ChatHistory({ size: options.historySize, maxBytes: options.historyMaxBytes });
    this.#maxChatTextLength = options.maxChatTextLength;
    this.#presence = new PresenceFeed(
      { peers: () => this.#users.values(), names: () => [...this.#users.keys()] },
      options.presenceIntervalMs,
    );
  }

  get userCount(): number {
    return this.#users.size;
  }

  get groupCallSize(): number {
    return this.#groupCall.size;
  }

  /**
   * Logs `peer` in under `requested`, or a numbered variant if that looks like a name in use
   * (the article's rule, by `usernameKeys`), and tells it so with `rejectusername`. Returns the
   * name given. `admitted` runs once the name is chosen, before anything is sent (a `join-room`
   * answers there, ahead of the room's presence). A modern peer then gets the room's presence,
   * history and group call. All or nothing: if anything fails once the name is taken, the
   * name is given back before the error goes on.
   */
  login(peer: Peer, requested: unknown, admitted?: (name: string) => void): string {
    const check = checkUsername(requested);
    if (!check.ok) throw new ProtocolError("bad-name", check.reason);
    const name = uniqueUsername(check.name, (key) => this.#nameKeys.has(key));
    this.#users.set(name, peer);
    for (const key of usernameKeys(name)) this.#nameKeys.add(key);
    try {
      admitted?.(name);
      if (name !== check.name) peer.send(encodeMessage({ type: "rejectusername", name }));
      this.#roster.add(name);
      if (!peer.modern) this.#legacy.add(name);
      if (peer.modern) {
        peer.send(this.#snapshot(), true);
        peer.send((this.#historyFrame ??= encodeShared({ type: "history", messages: this.#history.recent() })), true);
        peer.send(this.#groupCallMessage(), true);
      }
    } catch (error) {
      this.#forget(name);
      throw error;
    }
    this.#presence.joined(name, !peer.modern);
    return name;
  }

  /**
   * The user is gone from the room: drop it from presence at once, hang up on its call
   * partners, and take it out of the group call (everyone is told at once, not coalesced: its
   * tile must go now).
   */
  logout(peer: Peer): void {
    const name = peer.name;
    if (name === null || this.#users.get(name) !== peer) return;
    this.#forget(name);
    for (const partner of this.#calls.removeUser(name)) {
      // On the user's behalf, as if it had hung up itself: stamped as relayed from it.
      this.#users.get(partner)?.send(encodeMessage({ type: "hang-up", name, from: name, target: partner, reason: "gone" }));
    }
    this.#presence.left(name);
    if (this.#groupCall.leave(name)) this.#groupCallChanged();
  }

  /** Joins the room's group call (a no-op when in it); refused past the cap. */
  groupJoin(peer: Peer): void {
    if (this.#groupCall.join(this.#nameOf(peer))) this.#groupCallChanged();
  }

  /** Leaves the room's group call; a no-op when not in it. */
  groupLeave(peer: Peer): void {
    if (this.#groupCall.leave(this.#nameOf(peer))) this.#groupCallChanged();
  }

  #groupCallChanged(): void {
    this.#groupCallFrame = undefined;
    const frame = this.#groupCallMessage();
    for (const peer of this.#users.values()) if (peer.modern) peer.send(frame, true);
  }

  #groupCallMessage(): Uint8Array {
    return (this.#groupCallFrame ??= encodeShared({ type: "group-call", participants: this.#groupCall.participants() }));
  }

  #forget(name: string): void {
    this.#users.delete(name);
    for (const key of usernameKeys(name)) this.#nameKeys.delete(key);
    this.#busy.delete(name);
    this.#legacy.delete(name);
    this.#senderStamps.delete(name);
    this.#roster.invalidate();
  }

  /**
   * Public chat goes to everyone (the sender included, as in the article); `target` makes it
   * private. What is delivered is built here from the fields chat defines, nothing else the
   * sender put in the message: `text`, `target` and `date` (the sender's, bounded by the
   * schema, as the article's server keeps it; else the server's clock).
   */
  chat(sender: Peer, message: ChatMessage): void {
    const name = this.#nameOf(sender);
    if (message.text.length > this.#maxChatTextLength) {
      throw new ProtocolError("text-too-long", `${message.text.length} characters; the limit is ${this.#maxChatTextLength}.`);
    }
    const recipient = this.#recipientOf(message);
    const date = message.date ?? Date.now();
    if (recipient) {
      const delivered: DeliveredChatMessage = { type: "message", name, text: message.text, date, target: recipient.name };
      recipient.send(encodeMessage(forRecipient(delivered, recipient)));
      return;
    }
    const delivered: DeliveredChatMessage = { type: "message", name, text: message.text, date, seq: this.#history.nextSeq() };
    const modernFrame = encodeShared(delivered);
    this.#history.keep(delivered, modernFrame.byteLength);
    this.#historyFrame = undefined;
    let legacyFrame: Frame | undefined;
    for (const peer of this.#users.values()) {
      if (peer.modern) peer.send(modernFrame, true);
      else peer.send((legacyFrame ??= encodeShared(forRecipient(delivered, peer))), true);
    }
  }

  /**
   * Any other message: to its `target` alone (in this room); an untargeted call message to the
   * sender's call partners only; anything else untargeted to everyone in the room. The payload is passed through as is,
   * stamped with the sender (`name` and `from`, overwriting the sender's own). The server's own
   * types are never relayed. `source`, the bytes `message` was decoded from, is reused when it
   * can be (see `stampSender`).
   */
  relay(sender: Peer, message: DecodedMessage, source?: Buffer): void {
    const name = this.#nameOf(sender);
    if (SERVER_MESSAGE_TYPES.has(message.type)) throw new ProtocolError("reserved-type", `"${message.type}" comes only from the server.`);
    const reusable = source !== undefined && !Object.hasOwn(message, "name") && !Object.hasOwn(message, "from") ? source : undefined;
    message.name = name;
    message.from = name;
    const recipient = this.#recipientOf(message);
    // The payload is the sender's, passed through: only its envelope is the server's to type.
    const frame = reusable === undefined ? JSON.stringify(message) : stampSender(reusable, this.#stampOf(name));
    if (recipient) {
      this.#trackCall(message.type, name, recipient.name!);
      recipient.send(frame);
      return;
    }
    if (CALL_MESSAGE_TYPES.has(message.type)) {
      this.#relayToPartners(name, message.type, frame);
      return;
    }
    const encoded = typeof frame === "string" ? encoder.encode(frame) : frame;
    for (const peer of this.#users.values()) peer.send(encoded, true);
  }

  setStatus(sender: Peer, status: UserStatus): void {
    const name = this.#nameOf(sender);
    const busy = status === "busy";
    if (busy === this.#busy.has(name)) return;
    if (busy) this.#busy.add(name);
    else this.#busy.delete(name);
    this.#presence.statusChanged(name, status);
  }

  /**
   * The full presence a modern client starts from (a `userlist`); deltas follow. The names are a
   * view of the shared roster; only `busy` and `legacy` are encoded per login.
   */
  #snapshot(): FrameParts {
    const tail: Pick<UserlistMessage, "busy" | "legacy"> = { busy: [...this.#busy], legacy: [...this.#legacy] };
    const users = this.#roster.view(() => this.#users.keys());
    return new FrameParts([SNAPSHOT_HEAD, users, encoder.encode(`],${JSON.stringify(tail).slice(1)}`)]);
  }

  #stampOf(name: string): Buffer {
    let stamp = this.#senderStamps.get(name);
    if (stamp === undefined) this.#senderStamps.set(name, (stamp = senderStamp(name)));
    return stamp;
  }

  /** Stops timers; sends nothing more. */
  close(): void {
    this.#presence.close();
  }

  #relayToPartners(name: string, type: string, text: string | Buffer): void {
    const partners = this.#calls.partnersOf(name);
    if (partners.length === 0) {
      // The article's client sends its hang-up untargeted after every call, and a lone group-call
      // participant may toggle its camera: nothing to do.
      if (type === "hang-up" || type === "media-state") return;
      throw new ProtocolError("no-call");
    }
    const frame = typeof text === "string" ? encoder.encode(text) : text;
    for (const partner of partners) {
      this.#trackCall(type, name, partner);
      this.#users.get(partner)?.send(frame, partners.length > 1);
    }
  }

  #trackCall(type: string, from: string, to: string): void {
    if (CALL_OPENING_TYPES.has(type)) this.#calls.link(from, to);
    else if (CALL_CLOSING_TYPES.has(type)) this.#calls.unlink(from, to);
  }

  /** The peer a message is addressed to, or undefined when it has no target (the article's test). */
  #recipientOf(message: Record<string, unknown>): Peer | undefined {
    const target = message.target;
    if (target === undefined || target === null || target === "") return undefined;
    if (typeof target !== "string") throw new ProtocolError("invalid-message", '"target" must be a string.');
    const recipient = this.#users.get(target);
    if (!recipient) throw new ProtocolError("unknown-target", `"${target.slice(0, 64)}" is not in this room.`);
    return recipient;
  }

  #nameOf(peer: Peer): string {
    if (peer.name === null || this.#users.get(peer.name) !== peer) throw new ProtocolError("not-logged-in");
    return peer.name;
  }
}

function forRecipient(message: DeliveredChatMessage, recipient: Peer): DeliveredChatMessage {
  return recipient.modern ? message : { ...message, text: escapeHtml(message.text) };
}
