import { usernameKeys } from "@switchboard/protocol";
import type { ClusterEvent, ClusterSnapshot, Delivery, LocalState, MemberRecord, RoomSnapshot } from "../bus/bus.js";
import type { Hub } from "./hub.js";
import { RemotePeer } from "./remote-peer.js";
import type { Room } from "./room.js";
import { checkedRoomName } from "./room-name.js";

/**
 * Keeps the hub's rooms a replica of the cluster's: applies the other nodes' changes as the bus
 * reports them, starts from the store's state (and again after an outage), and tells the store
 * what this node holds when it lost it. The bus listener's domain half (see `BusListener`).
 */
export class HubReplica {
  /** Other nodes' users the store lost, kept while their nodes restore them (see `reset`). */
  #unconfirmed = new Map<RemotePeer, Room>();
  #confirmTimer: ReturnType<typeof setTimeout> | undefined;

  /** `restoreGraceMs`: how long the other nodes have to restore their users after an outage. */
  constructor(
    private readonly hub: Hub,
    private readonly restoreGraceMs: number,
  ) {}

  /** Stops the timer of an outage's restore. */
  close(): void {
    clearTimeout(this.#confirmTimer);
  }

  event(event: ClusterEvent): void {
    const { hub } = this;
    switch (event.kind) {
      case "joined":
        return this.#joined(event.member);
      case "left": {
        const room = this.#known(event.room);
        if (!room) return;
        const local = hub.localPeer(room, event.name);
        // This node's user, released by another (a moderator's node, or it was thought gone): it is lost here.
        if (local?.id === event.session) return hub.lost(local, event.removed === true);
        room.remove(event.name, event.session);
        return hub.closeIfEmpty(room);
      }
      case "moved": {
        const room = this.#known(event.member.room);
        const local = room && hub.localPeer(room, event.member.name);
        // This node's user, taken over elsewhere while it was thought gone: it is lost here.
        if (local?.id === event.previousSession && event.member.node !== hub.bus.nodeId) return hub.lost(local);
        room?.moved(event.member.name, event.previousSession, new RemotePeer(event.member, hub.bus), event.member.busy);
        return;
      }
      case "status":
        return this.#known(event.room)?.statusElsewhere(event.name, event.session, event.busy);
      case "group":
        return this.#known(event.room)?.groupCallIs(event);
      case "chat":
        return this.#known(event.room)?.published(event.message);
      case "broadcast":
        return this.#known(event.room)?.broadcast(event.frame);
      case "settings":
        return this.#known(event.room)?.moderation.settingsAre(event.settings);
    }
  }

  relay(delivery: Delivery): void {
    this.hub.delivered(delivery);
  }

  undelivered(delivery: Delivery): void {
    this.hub.undelivered(delivery);
  }

  localState(): LocalState {
    const state: LocalState = { members: [], groupCalls: [], histories: [], settings: [] };
    for (const room of this.hub.rooms()) {
      const roomKeys = checkedRoomName(room.name).keys;
      const inGroupCall: string[] = [];
      for (const { peer, busy, inGroupCall: inCall } of room.localUsers()) {
        const name = peer.name!;
        const member = { room: room.name, name, session: peer.id, node: this.hub.bus.nodeId, modern: peer.modern, busy, roomKeys, nameKeys: usernameKeys(name) };
        state.members.push(peer.moderator ? { ...member, moderator: true } : member);
        if (inCall) inGroupCall.push(name);
      }
      if (room.localUserCount === 0) continue;
      state.groupCalls.push({ room: room.name, participants: inGroupCall, media: room.groupCallMedia });
      state.histories.push({ room: room.name, messages: room.recentChat() });
      state.settings.push({ room: room.name, settings: room.moderation.settings });
    }
    return state;
  }

  /**
   * The cluster as the store has it. This node's users are its own to know (except `lost` ones,
   * whose names others took meanwhile); everyone else is as the snapshot says, and the
   * differences reach this node's users as presence changes.
   */
  reset(snapshot: ClusterSnapshot, lost: readonly MemberRecord[]): void {
    const { hub } = this;
    for (const member of lost) {
      const room = this.#known(member.room);
      const peer = room && hub.localPeer(room, member.name);
      if (peer?.id === member.session) hub.lost(peer);
    }
    // A store that restarted empty learns each node's users as that node restores them (all at
    // once): users missing now whose node has not restored yet may be back in a moment, and
    // nobody should see them leave and join again. Those of a node that did are gone.
    const restored = new Set(snapshot.rooms.flatMap((room) => room.members.map((member) => member.node)));
    const inSnapshot = new Set<Room>();
    for (const state of snapshot.rooms) inSnapshot.add(this.#resetRoom(state, restored));
    for (const room of [...hub.rooms()]) {
      if (inSnapshot.has(room)) continue;
      for (const peer of [...room.remoteUsers()]) this.#missing(peer, room, restored);
      hub.closeIfEmpty(room);
    }
    clearTimeout(this.#confirmTimer);
    if (this.#unconfirmed.size === 0) return;
    this.#confirmTimer = setTimeout(() => this.#dropUnconfirmed(), this.restoreGraceMs);
    this.#confirmTimer.unref();
  }

  /** Those the other nodes did not restore in time are gone. */
  #dropUnconfirmed(): void {
    for (const [peer, room] of this.#unconfirmed) {
      if (room.nodeOf(peer.name) !== peer) continue;
      room.remove(peer.name, peer.id);
      this.hub.closeIfEmpty(room);
    }
    this.#unconfirmed.clear();
  }

  #missing(peer: RemotePeer, room: Room, restored: ReadonlySet<string>): void {
    if (restored.has(peer.node)) room.remove(peer.name, peer.id);
    else this.#unconfirmed.set(peer, room);
  }

  #resetRoom(state: RoomSnapshot, restored: ReadonlySet<string>): Room {
    const room = this.hub.roomNamed(state.room);
    const members = new Map<string, MemberRecord>();
    for (const member of state.members) if (member.node !== this.hub.bus.nodeId) members.set(member.name, member);
    for (const peer of [...room.remoteUsers()]) {
      const member = members.get(peer.name);
      if (member?.session === peer.id && member.node === peer.node) {
        room.statusElsewhere(member.name, member.session, member.busy);
        members.delete(member.name);
      } else if (member === undefined) {
        this.#missing(peer, room, restored);
      } else {
        room.remove(peer.name, peer.id);
      }
    }
    for (const member of members.values()) room.joinedElsewhere(new RemotePeer(member, this.hub.bus), member.busy);
    room.groupCallIs(state.group, true);
    room.seedHistory(state.history);
    room.moderation.settingsAre(state.settings, true);
    this.hub.closeIfEmpty(room);
    return room;
  }

  #joined(member: MemberRecord): void {
    const room = this.hub.roomNamed(member.room);
    const known = room.nodeOf(member.name);
    if (known?.id === member.session) {
      // Restored by its node after an outage: it never left.
      this.#unconfirmed.delete(known);
      return room.moved(member.name, member.session, new RemotePeer(member, this.hub.bus), member.busy);
    }
    room.joinedElsewhere(new RemotePeer(member, this.hub.bus), member.busy);
  }

  #known(name: string): Room | undefined {
    return this.hub.knownRoom(name);
  }
}
