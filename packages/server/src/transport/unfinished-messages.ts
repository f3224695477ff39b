import type { Duplex } from "node:stream";
import type { UnfinishedBytesBudget } from "../limits/unfinished-bytes-budget.js";
import { FrameMeter } from "./frame-meter.js";

/**
 * Counts what `stream` (an upgraded socket) holds of messages still arriving against the
 * server-wide `budget`; `evict` is called if this connection must go to bring the total back
 * under it. The share is given back when the socket closes.
 */
export function meterUnfinishedMessages(stream: Duplex, budget: UnfinishedBytesBudget, evict: () => void): void {
  const meter = new FrameMeter();
  const share = budget.open(evict);
  stream.on("data", (chunk: Buffer) => budget.change(share, meter.write(chunk)));
  stream.once("close", () => budget.close(share));
}
