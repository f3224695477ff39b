import type { ServerKind } from "../servers.js";
import type { ClientAdapter } from "./adapter.js";
import { bareAdapter } from "./bare.js";
import { peerjsAdapter } from "./peerjs.js";
import { switchboardAdapter } from "./switchboard.js";

export const ADAPTERS: Record<ServerKind, ClientAdapter> = {
  switchboard: switchboardAdapter,
  bare: bareAdapter,
  peerjs: peerjsAdapter,
};
export { closeAll, connectMany, type ClientAdapter, type Message } from "./adapter.js";
export { Connection } from "./connection.js";
