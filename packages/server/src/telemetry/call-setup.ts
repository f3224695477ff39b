import { CallMetricsMessage } from "@switchboard/protocol";
import { Histogram } from "prom-client";
import type { Peer } from "../hub/peer.js";
import { TokenBucket } from "../limits/token-bucket.js";
import { validate } from "../wire/validate.js";

/**
 * Reports counted per session: a burst of this many (joining a group call of MAX_MESH_PARTICIPANTS,
 * 6 by default, reports once per other participant), then one every ten seconds. Past that a
 * report is ignored, so that one client cannot skew the histogram.
 */
export const CALL_REPORTS_BURST = 6;
const CALL_REPORTS_PER_SECOND = 1 / 10;

/** Seconds: ICE and DTLS take a second or two; a relayed or ringing call, longer. */
const BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600];

const KINDS = CallMetricsMessage.shape.kind.options;

/** `call-metrics`: call setup times as the clients measure them (the server never sees the media). */
export class CallSetupReports {
  readonly histogram = new Histogram({
    name: "switchboard_call_setup_seconds",
    help: "Call setup as clients report it (call-metrics): from the call's start to its peer connection's first connected state.",
    labelNames: ["kind"],
    buckets: BUCKETS,
    registers: [],
  });
  readonly #allowance = new WeakMap<Peer, TokenBucket>();

  constructor() {
    // Both series from the start: a rate over a series that does not exist yet is no rate at all.
    for (const kind of KINDS) this.histogram.zero({ kind });
  }

  /** One `call-metrics` from `sender`: `invalid-message` unless well-formed, counted while its allowance lasts. */
  report(sender: Peer, message: unknown, now = Date.now()): void {
    const { setupMs, kind } = validate(CallMetricsMessage, message);
    let allowance = this.#allowance.get(sender);
    if (!allowance) this.#allowance.set(sender, (allowance = new TokenBucket(CALL_REPORTS_PER_SECOND, CALL_REPORTS_BURST, now)));
    if (allowance.take(now)) this.histogram.observe({ kind }, setupMs / 1000);
  }
}
