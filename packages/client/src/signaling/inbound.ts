import type { AckMessage, ServerOriginatedMessage } from "@switchboard/protocol";
import type { TypedEmitter } from "../typed-emitter.js";
import { chatEntry, decodeServerFrame } from "./decode.js";
import type { Reply } from "./outbound.js";
import type { PendingRequests } from "./pending-requests.js";
import { peerMessage } from "./peer-messages.js";
import type { PresenceMessage } from "./presence.js";
import type { RoomView } from "./room-view.js";
import type { SessionMemory } from "./session-memory.js";
import { SignalingError } from "./signaling-error.js";
import type { SignalingClientEvents } from "./signaling-types.js";

/**
 * The receiving half of the client: each frame is decoded at the trust boundary (decode.ts),
 * then a peer's message becomes an event and a server message updates what the client knows
 * (session, room, presence) and settles the request it answers.
 */
export class Inbound {
  constructor(
    private readonly events: TypedEmitter<SignalingClientEvents>,
    private readonly session: SessionMemory,
    private readonly view: RoomView,
    private readonly pending: PendingRequests<Reply>,
  ) {}

  /** One frame from the server's socket. */
  receive(data: unknown): void {
    this.session.frameReceived();
    const decoded = decodeServerFrame(data);
    switch (decoded.kind) {
      case "server":
        return this.#handle(decoded.message);
      case "call":
        return this.events.emit("signal", decoded.message);
      case "app":
        return this.events.emit("peer-message", peerMessage(decoded.message));
      case "invalid-peer":
        return this.events.emit("peer-message-invalid", decoded.invalid);
      case "invalid-server":
        return this.#invalid(decoded.reason, decoded.cause);
    }
  }

  /** One handler per type the server sends itself; the switch is exhaustive over them. */
  #handle(message: ServerOriginatedMessage): void {
    switch (message.type) {
      case "id":
        this.session.sessionId = message.id;
        return;
      case "welcome":
        if (message.ref === undefined || !this.pending.has(message.ref)) return;
        this.session.startCounting(message);
        // The room first, so that what the login brings next lands in it.
        this.view.welcomed(message.room);
        this.pending.resolve(message.ref, message);
        return;
      case "ack":
        // At once, not when the promise settles: the new room's snapshot may be in the same chunk.
        if (this.view.isSwitchAck(message) && this.pending.has(message.ref)) this.#switchedRoom(message);
        this.pending.resolve(message.ref, message);
        return;
      case "pong":
        return; // Liveness only; the heartbeat noted the frame.
      case "ice-servers":
        this.session.iceServers = message.iceServers;
        this.events.emit("ice-servers", message.iceServers, message.expiresAt ?? null);
        return;
      case "history":
        this.events.emit("history", message.messages.map(chatEntry));
        return;
      case "error": {
        const error = new SignalingError("server", message.code, message.message, message.ref);
        if (message.ref === undefined || !this.pending.reject(message.ref, error)) this.events.emit("error", error);
        return;
      }
      case "rejectusername":
        return; // The login's `ack` carries the final name; `renamed` is emitted from there.
      case "userlist":
      case "user-joined":
      case "user-left":
      case "user-status":
        this.view.presence(message as PresenceMessage);
        return;
      case "group-call":
        this.view.groupCallChanged(message.participants, message.media);
        return;
      case "sfu-answer":
        // Settles the `sfu-publish` it answers (SignalingClient.sfuPublish).
        if (message.ref !== undefined) this.pending.resolve(message.ref, message);
        this.events.emit("sfu-answer", message);
        return;
      case "sfu-offer":
        this.events.emit("sfu-offer", message);
        return;
      case "sfu-status":
        this.events.emit("sfu-status", message);
        return;
      case "message":
        this.events.emit("chat", chatEntry(message));
        return;
      case "room-state":
        this.view.roomStateChanged(message);
        return;
      case "moderated":
        // Kept for the close that follows: it says who removed us, and why.
        if (message.action === "remove" && message.target === this.session.name) this.session.removal = message;
        this.events.emit("moderated", { action: message.action, by: message.by, target: message.target ?? null, reason: message.reason ?? null });
        return;
      default: {
        const unreachable: never = message;
        this.#invalid(`Unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** The `join-room` ack: the room changed, and so may our name. */
  #switchedRoom(ack: AckMessage & { room: string }): void {
    this.view.switched(ack.room);
    const previous = this.session.name;
    if (previous === null || ack.name === undefined) return;
    this.session.name = ack.name;
    if (ack.name !== previous) this.events.emit("renamed", { requested: previous, name: ack.name });
  }

  #invalid(message: string, cause?: unknown): void {
    this.events.emit("error", SignalingError.client("invalid-server-message", message, undefined, cause));
  }
}
