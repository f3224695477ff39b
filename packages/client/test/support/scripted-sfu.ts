// The server's side of SFU group calls, scripted message by message for the SDK's unit tests:
// a user in a room whose group call goes through the media server, its sfu-status, the
// answers to sfu-publish and the subscriber offers. The peer connections are the fakes.
import { expect, vi } from "vitest";
import { GroupCall, type GroupCallOptions } from "../../src/group/group-call.js";
import type { SignalingClient } from "../../src/signaling/signaling-client.js";
import type { SignalingClientOptions } from "../../src/signaling/signaling-types.js";
import { FakeMediaStreamConstructor, fakeStream, fakeTrack } from "./fake-media.js";
import { FakePeerConnection, FakeRTCPeerConnection } from "./fake-peer-connection.js";
import { FakeSocket, loggedInScripted } from "./scripted-socket.js";

export interface SfuMember {
  client: SignalingClient;
  socket: FakeSocket;
  group: GroupCall;
  /** What the GroupCall emitted, in order, as "event:argument". */
  events: string[];
}

export const sentOf = (socket: FakeSocket, type: string) => socket.sent.filter((message) => message.type === type);

/** What a server with a media server says in its welcome. */
export const SFU_WELCOME = { extra: { features: ["sfu"] }, limits: { maxMeshParticipants: 4, maxSfuParticipants: 50 } };

/** Our camera and microphone, as a stream the app hands over. */
export const cameraAndMicrophone = () => fakeStream(fakeTrack("audio", "mic"), fakeTrack("video", "cam"));

/**
 * alice, logged into "standup" on a server with a media server ("sfu" in its features), whose
 * group call has `participants` and carries `media`; a GroupCall on the fakes, not joined.
 */
export async function sfuMember(
  participants: string[],
  media: "sfu" | "mesh" = "sfu",
  options: Partial<GroupCallOptions> = {},
  clientOptions: Partial<SignalingClientOptions> = {},
): Promise<SfuMember> {
  const { client, socket } = await loggedInScripted("alice", clientOptions, () => {}, SFU_WELCOME);
  socket.deliver({ type: "userlist", users: ["alice", ...participants], busy: [], legacy: [] });
  socket.deliver({ type: "group-call", participants, media });
  const group = new GroupCall(client, { RTCPeerConnection: FakeRTCPeerConnection, MediaStream: FakeMediaStreamConstructor, localMedia: cameraAndMicrophone(), ...options });
  const events: string[] = [];
  group.on("peer-joined", (peer) => events.push(`peer-joined:${peer.name}`));
  group.on("peer-left", (name) => events.push(`peer-left:${name}`));
  group.on("screen-share", (name, stream) => events.push(`screen-share:${name}:${stream ? "on" : "off"}`));
  group.on("media-server", ({ state, epoch }) => events.push(`media-server:${state}:${epoch}`));
  group.on("joined", () => events.push("joined"));
  group.on("left", (reason) => events.push(`left:${reason}`));
  group.on("error", (error) => events.push(`error:${error.message}`));
  return { client, socket, group, events };
}

/** join(), answered by the server: the ack, then the group call with alice last. */
export async function joinSfu({ socket, group }: SfuMember, media: "sfu" | "mesh" = "sfu"): Promise<void> {
  const joining = group.join();
  await vi.waitFor(() => expect(sentOf(socket, "group-join")).toHaveLength(1));
  socket.deliver({ type: "group-call", participants: [...group.participants.filter((name) => name !== "alice"), "alice"], media });
  socket.ack("group-join");
  await joining;
}

/** The next `sfu-publish` (after `count` answered ones), answered by the media server; returns it. */
export async function answerPublish(socket: FakeSocket, count: number): Promise<Record<string, unknown>> {
  await vi.waitFor(() => expect(sentOf(socket, "sfu-publish")).toHaveLength(count + 1));
  const publish = sentOf(socket, "sfu-publish")[count]!;
  socket.deliver({ type: "sfu-answer", sdp: { type: "answer", sdp: `v=0 janus answer ${count}` }, ref: publish.ref });
  return publish;
}

export interface OfferedLine {
  mid: string;
  kind: "audio" | "video";
  /** Whose, and what; absent: an m-line that carries nothing now (not in `streams`). */
  name?: string;
  source?: "camera" | "microphone" | "screen";
}

/**
 * A subscriber offer with these m-lines (in the fake SDP: "m=audio:a0,video:v1"), answered by
 * the client and acked; resolves once the answer is acked.
 */
export async function offerStreams(socket: FakeSocket, lines: OfferedLine[]): Promise<void> {
  const answers = sentOf(socket, "sfu-subscribe-answer").length;
  const sdp = `m=${lines.map((line) => `${line.kind}:${line.mid}`).join(",")} sfu offer ${answers}`;
  const streams = lines.flatMap(({ mid, name, source }) => (name && source ? [{ mid, name, source }] : []));
  socket.deliver({ type: "sfu-offer", sdp: { type: "offer", sdp }, streams });
  await vi.waitFor(() => expect(sentOf(socket, "sfu-subscribe-answer")).toHaveLength(answers + 1));
  socket.ack("sfu-subscribe-answer");
}

/** A participant's microphone and camera m-lines. */
export const micAndCamera = (name: string, prefix = name[0]!): OfferedLine[] => [
  { mid: `${prefix}0`, kind: "audio", name, source: "microphone" },
  { mid: `${prefix}1`, kind: "video", name, source: "camera" },
];

/** The receiver track of the fake transceiver with `mid`. */
export function receivedTrack(pc: FakePeerConnection, mid: string): unknown {
  return pc.transceivers.find((transceiver) => transceiver.mid === mid)?.receiver.track;
}
