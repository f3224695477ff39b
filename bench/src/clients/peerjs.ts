import { Connection } from "./connection.js";
import type { ClientAdapter, Message } from "./adapter.js";
import type { Envelope } from "./frames.js";

const PEERJS_TYPES = { candidate: "CANDIDATE", offer: "OFFER" } as const;

/** PeerJS relays `{type, dst, payload}` as `{type, src, dst, payload}`: our fields go in `payload`. */
const peerjsEnvelope: Envelope = (to, kind) => [`{"type":"${PEERJS_TYPES[kind]}","dst":${JSON.stringify(to)},"payload":{`, "}}"];

/** A PeerJS client: id and token in the URL; the server answers `OPEN`. */
export const peerjsAdapter: ClientAdapter = {
  server: "peerjs",
  envelope: peerjsEnvelope,
  async connect(baseUrl, name) {
    const query = new URLSearchParams({ key: "peerjs", id: name, token: `t-${name}` });
    const connection = await Connection.open(`${baseUrl}/peerjs?${query}`);
    await connection.waitFor((message: Message) => {
      if (message.type === "ID-TAKEN" || message.type === "ERROR") throw new Error(`peerjs refused ${name}: ${JSON.stringify(message)}`);
      return message.type === "OPEN" ? true : undefined;
    });
    return connection;
  },
};
