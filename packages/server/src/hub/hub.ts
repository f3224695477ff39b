import {
  CALL_CLOSING_TYPES,
  CALL_OPENING_TYPES,
  checkUsername,
  uniqueUsername,
  type ChatMessage,
  type DeliveredChatMessage,
  type UserStatus,
  type UserlistMessage,
} from "@switchboard/protocol";
import { appendName, nameSuffix } from "../codec.js";
import { CallGraph } from "./call-graph.js";
import { ChatHistory } from "./chat-history.js";
import { escapeHtml } from "./html-escape.js";
import { FrameParts, type Frame, type Peer } from "./peer.js";
import { PresenceFeed } from "./presence-feed.js";
import { ProtocolError } from "./protocol-error.js";
import { Roster } from "./roster.js";

/** A decoded message the hub passes on without interpreting its payload. */
export type RelayedMessage = Record<string, unknown> & { type: string };

export interface HubOptions {
  presenceIntervalMs: number;
  /** Public chat messages kept for clients that log in. */
  historySize: number;
}

const encoder = new TextEncoder();
const SNAPSHOT_HEAD = encoder.encode('{"type":"userlist","users":[');

/**
 * Presence, routing and call bookkeeping: the domain, free of sockets. Every message that
 * leaves here carries the sender's real name, set by the hub, never taken from the sender.
 */
export class Hub {
  readonly #users = new Map<string, Peer>();
  readonly #busy = new Set<string>();
  /** Users who speak only the article's protocol, in login order. */
  readonly #legacy = new Set<string>();
  readonly #roster = new Roster();
  /** `,"name":<name>}` per user, for relaying without re-serializing (see `appendName`). */
  readonly #nameSuffixes = new Map<string, Buffer>();
  /** The `history` frame, encoded once until the next public chat message. */
  #historyFrame: Uint8Array | undefined;
  readonly #calls = new CallGraph();
  readonly #presence: PresenceFeed;
  readonly #history: ChatHistory;

  constructor(options: HubOptions) {
    this.#history = new ChatHistory(options.historySize);
    this.#presence = new PresenceFeed(
      { peers: () => this.#users.values(), names: () => [...this.#users.keys()] },
      options.presenceIntervalMs,
    );
  }

  get userCount(): number {
    return this.#users.size;
  }

  /**
   * Logs `peer` in under `requested`, or a numbered variant if that is taken (the article's
   * rule), and tells it so with `rejectusername`. Returns the name given.
   */
  login(peer: Peer, requested: unknown): string {
    const check = checkUsername(requested);
    if (!check.ok) throw new ProtocolError("bad-name", check.reason);
    const name = uniqueUsername(check.name, (candidate) => this.#users.has(candidate));
    if (name !== check.name) peer.send(JSON.stringify({ type: "rejectusername", name }));
    this.#users.set(name, peer);
    this.#roster.add(name);
    if (!peer.modern) this.#legacy.add(name);
    if (peer.modern) {
      peer.send(this.#snapshot(), true);
      peer.send((this.#historyFrame ??= encoder.encode(JSON.stringify({ type: "history", messages: this.#history.recent() }))), true);
    }
    this.#presence.joined(name, !peer.modern);
    return name;
  }

  /** The user is gone: drop it from presence at once and hang up on its call partners. */
  logout(peer: Peer): void {
    const name = peer.name;
    if (name === null || this.#users.get(name) !== peer) return;
    this.#users.delete(name);
    this.#busy.delete(name);
    this.#legacy.delete(name);
    this.#nameSuffixes.delete(name);
    this.#roster.invalidate();
    for (const partner of this.#calls.removeUser(name)) {
      this.#users.get(partner)?.send(JSON.stringify({ type: "hang-up", name, target: partner, reason: "gone" }));
    }
    this.#presence.left(name);
  }

  /** Public chat goes to everyone (the sender included, as in the article); `target` makes it private. */
  chat(sender: Peer, message: ChatMessage): void {
    message.name = this.#nameOf(sender);
    message.date ??= Date.now();
    const recipient = this.#recipientOf(message);
    if (recipient) {
      recipient.send(JSON.stringify(forRecipient(message, recipient)));
      return;
    }
    this.#history.record(message as DeliveredChatMessage);
    this.#historyFrame = undefined;
    let modernFrame: Frame | undefined;
    let legacyFrame: Frame | undefined;
    for (const peer of this.#users.values()) {
      if (peer.modern) peer.send((modernFrame ??= encoder.encode(JSON.stringify(message))), true);
      else peer.send((legacyFrame ??= encoder.encode(JSON.stringify(forRecipient(message, peer)))), true);
    }
  }

  /**
   * Any other message: to its `target` alone; an untargeted call message to the sender's call
   * partners only; anything else untargeted to everyone. The payload is passed through as is.
   * `source`, the bytes `message` was decoded from, is reused when it can be (see `appendName`).
   */
  relay(sender: Peer, message: RelayedMessage, source?: Buffer): void {
    const name = this.#nameOf(sender);
    const reusable = source !== undefined && !Object.hasOwn(message, "name") ? source : undefined;
    message.name = name;
    const recipient = this.#recipientOf(message);
    const frame = reusable === undefined ? JSON.stringify(message) : appendName(reusable, this.#suffixOf(name));
    if (recipient) {
      this.#trackCall(message.type, name, recipient.name!);
      recipient.send(frame);
      return;
    }
    if (CALL_OPENING_TYPES.has(message.type) || CALL_CLOSING_TYPES.has(message.type)) {
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

  #suffixOf(name: string): Buffer {
    let suffix = this.#nameSuffixes.get(name);
    if (suffix === undefined) this.#nameSuffixes.set(name, (suffix = nameSuffix(name)));
    return suffix;
  }

  /** Stops timers; sends nothing more. */
  close(): void {
    this.#presence.close();
  }

  #relayToPartners(name: string, type: string, text: string | Buffer): void {
    const partners = this.#calls.partnersOf(name);
    if (partners.length === 0) {
      // The article's client sends its hang-up untargeted after every call: nothing to do.
      if (type === "hang-up") return;
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
    if (!recipient) throw new ProtocolError("unknown-target", `"${target.slice(0, 64)}" is not online.`);
    return recipient;
  }

  #nameOf(peer: Peer): string {
    if (peer.name === null || this.#users.get(peer.name) !== peer) throw new ProtocolError("not-logged-in");
    return peer.name;
  }
}

function forRecipient(message: ChatMessage, recipient: Peer): ChatMessage {
  return recipient.modern ? message : { ...message, text: escapeHtml(message.text) };
}
