import type { Duplex } from "node:stream";
import type { BudgetShare, UnfinishedBytesBudget } from "../limits/unfinished-bytes-budget.js";
import { FrameMeter } from "./frame-meter.js";

/** A stream's meter with what it reports to; one object per connection. */
class BudgetedMeter extends FrameMeter {
  constructor(
    readonly budget: UnfinishedBytesBudget,
    readonly share: BudgetShare,
  ) {
    super();
  }
}

const METER = Symbol("unfinished-messages meter");
const meterOf = (stream: Duplex) => (stream as Duplex & { [METER]: BudgetedMeter })[METER];

/**
 * Counts what `stream` (an upgraded socket) holds of messages still arriving against the
 * server-wide `budget`; `evict` is called if this connection must go to bring the total back
 * under it. The share is given back when the socket closes. The listeners are shared by all
 * streams (memory per idle connection counts), which find their meter on the stream.
 */
export function meterUnfinishedMessages(stream: Duplex, budget: UnfinishedBytesBudget, evict: () => void): void {
  (stream as Duplex & { [METER]: BudgetedMeter })[METER] = new BudgetedMeter(budget, budget.open(evict));
  stream.on("data", onData);
  // 'close' comes once, and closing a share twice is harmless: no `once` wrapper needed.
  stream.on("close", onClose);
}

function onData(this: Duplex, chunk: Buffer): void {
  const meter = meterOf(this);
  meter.budget.change(meter.share, meter.write(chunk));
}

function onClose(this: Duplex): void {
  const meter = meterOf(this);
  meter.budget.close(meter.share);
}
