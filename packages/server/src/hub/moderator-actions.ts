import type { ModerateMessage, ModeratedMessage } from "@switchboard/protocol";
import { hashRoomPassword } from "../auth/room-password.js";
import type { Bus, RoomSettings } from "../bus/bus.js";
import { encodeMessage, encodeShared } from "../wire/outgoing.js";
import { ProtocolError } from "../wire/protocol-error.js";
import type { Peer } from "./peer.js";
import type { Room } from "./room.js";
import { untilStored } from "./store-call.js";

export interface ModerationContext {
  room: Room;
  bus: Bus;
  /** The moderator's name. */
  by: string;
  /** Takes `target` out of the room: its session ends, here or on its node. */
  remove(target: Peer): void;
}

/**
 * Carries out a moderator's request in its room (see `ModerateMessage`) and returns the notice
 * sent: to everyone in the room, through every node, or to the target alone for `mute`. Settings
 * go through the store first, so that a refusal (`unavailable`) changes nothing.
 */
export async function moderate(context: ModerationContext, message: ModerateMessage): Promise<ModeratedMessage> {
  const { room, by } = context;
  if (!room.moderation.isModerator(by)) throw new ProtocolError("not-moderator");
  const notice: ModeratedMessage = { type: "moderated", action: message.action, by };
  switch (message.action) {
    case "remove": {
      const target = targetOf(room, message, by);
      if (target.moderator || room.moderation.isModerator(target.name!)) throw new ProtocolError("not-moderator", "A moderator cannot be removed.");
      notice.target = target.name!;
      if (message.reason !== undefined) notice.reason = message.reason;
      await changeSettings(context, room.moderation.withRemoved(target.name!));
      announce(context, notice);
      context.remove(target);
      return notice;
    }
    case "mute": {
      const target = targetOf(room, message, by);
      notice.target = target.name!;
      target.send(encodeMessage(notice));
      return notice;
    }
    case "lock":
    case "unlock":
      await changeSettings(context, { ...room.moderation.settings, locked: message.action === "lock" });
      announce(context, notice);
      return notice;
    case "set-password": {
      if (message.password === undefined) throw new ProtocolError("invalid-message", '"set-password" needs "password" (a string, or null for none).');
      const { password: _previous, ...settings } = room.moderation.settings;
      const password = message.password === null ? undefined : await hashRoomPassword(message.password);
      await changeSettings(context, password === undefined ? settings : { ...settings, password });
      announce(context, notice);
      return notice;
    }
    case "end-call":
      announce(context, notice);
      await endGroupCall(context);
      return notice;
  }
}

function targetOf(room: Room, message: ModerateMessage, by: string): Peer {
  const name = message.target;
  if (name === undefined) throw new ProtocolError("invalid-message", `"${message.action}" needs a "target".`);
  if (name === by) throw new ProtocolError("invalid-message", "A moderator cannot do that to itself.");
  const target = room.localPeer(name) ?? room.nodeOf(name);
  if (!target) throw new ProtocolError("unknown-target", `"${name.slice(0, 64)}" is not in this room.`);
  return target;
}

async function changeSettings({ room, bus }: ModerationContext, settings: RoomSettings): Promise<void> {
  await untilStored(() => bus.setSettings(room.name, settings));
  // The store tells the other nodes, never the one that changed it.
  room.moderation.settingsAre(settings);
}

/** To everyone in the room, on every node. */
function announce({ room, bus }: ModerationContext, notice: ModeratedMessage): void {
  const frame = encodeShared(notice);
  room.broadcast(frame);
  if (room.userCount > room.localUserCount) bus.broadcast(room.name, frame);
}

/** Everyone leaves the group call: this node's users at once, the others as the store says. */
async function endGroupCall({ room, bus }: ModerationContext): Promise<void> {
  const participants = room.groupParticipants();
  for (const name of participants) {
    const local = room.localPeer(name);
    if (local) room.groupLeave(local);
  }
  for (const name of participants) room.groupCallIs(await untilStored(() => bus.groupLeave(room.name, name)));
}
