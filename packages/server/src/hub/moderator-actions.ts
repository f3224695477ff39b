import { LOBBY_ROOM, type ModerateMessage, type ModeratedMessage } from "@switchboard/protocol";
import { hashRoomPassword } from "../auth/room-password.js";
import type { Bus, SettingsChange } from "../bus/bus.js";
import { checkedRoomName } from "./room-name.js";
import { RoomModeration } from "./room-moderation.js";
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
  /**
   * AUTH=open: the lobby, where the article's clients always are (they can give no password),
   * cannot be locked or get a password.
   */
  openLobby: boolean;
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
      await changeSettings(context, RoomModeration.removing(target.name!));
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
      if (message.action === "lock") keepLobbyOpen(context);
      await changeSettings(context, { locked: message.action === "lock" });
      announce(context, notice);
      return notice;
    case "set-password": {
      if (message.password === undefined) throw new ProtocolError("invalid-message", '"set-password" needs "password" (a string, or null for none).');
      if (message.password !== null) keepLobbyOpen(context);
      const change: SettingsChange = message.password === null ? { clearPassword: true } : { password: await hashRoomPassword(message.password) };
      await changeSettings(context, change);
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

function keepLobbyOpen({ room, openLobby }: ModerationContext): void {
  if (openLobby && checkedRoomName(room.name).keys.some((key) => checkedRoomName(LOBBY_ROOM).keys.includes(key))) {
    throw new ProtocolError("invalid-message", "The lobby stays open: the article's clients, who can give no password, are always there.");
  }
}

async function changeSettings({ room, bus }: ModerationContext, change: SettingsChange): Promise<void> {
  const settings = await untilStored(() => bus.changeSettings(room.name, change));
  // The store tells the other nodes, never the one that changed it.
  if (settings) room.moderation.settingsAre(settings);
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
