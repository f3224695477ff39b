import { Connection } from "./connection.js";
import type { ClientAdapter } from "./adapter.js";
import { articleEnvelope } from "./switchboard.js";

/** The bare relay knows a client by the `name` in its URL and routes on `target`. */
export const bareAdapter: ClientAdapter = {
  server: "bare",
  envelope: articleEnvelope,
  broadcast: (text) => JSON.stringify({ type: "message", text }),
  connect: (baseUrl, name) => Connection.open(`${baseUrl}/?name=${encodeURIComponent(name)}`),
};
