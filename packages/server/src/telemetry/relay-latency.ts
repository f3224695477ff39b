import type { Ref } from "@switchboard/protocol";
import { Histogram } from "prom-client";
import type { Hub } from "../hub/hub.js";
import type { Peer } from "../hub/peer.js";
import type { DecodedMessage } from "../wire/codec.js";

/**
 * One relayed message in this many is timed: relaying runs at about 145k messages a second,
 * and reading the clock for each would cost more than the histogram is worth.
 */
export const RELAY_SAMPLE_EVERY = 64;

/** Seconds. A relay within one node takes tens of microseconds; a backed-up event loop, more. */
const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

const observeSince = (histogram: Histogram, started: number) => histogram.observe((performance.now() - started) / 1000);

/**
 * How long a relayed message takes through this node: from the server handling it to its
 * write to the recipients' sockets here. Sampled: the other messages cost a counter and a
 * compare, and a session's send a check of `timing`. Messages whose recipients are all on
 * other nodes (or detached, waiting to resume) are not observed: nothing is written here.
 */
export class RelayLatency {
  readonly histogram = new Histogram({
    name: "switchboard_relay_latency_seconds",
    help: `Relayed messages, one in ${RELAY_SAMPLE_EVERY}: from the server handling the message to its write to the recipients' sockets on this node.`,
    buckets: BUCKETS,
    registers: [],
  });
  /** Relayed messages since the last one timed. */
  #untimed = 0;
  #timing = false;
  /** The message being timed went to a connected session of this node. */
  #written = false;

  /** A sampled message is being routed now: what a session sends meanwhile is that message. */
  get timing(): boolean {
    return this.#timing;
  }

  /** Routes `message` through `hub`, timing one in RELAY_SAMPLE_EVERY. */
  relay(hub: Hub, sender: Peer, message: DecodedMessage, source: Buffer, ref: Ref | undefined): void {
    if (++this.#untimed < RELAY_SAMPLE_EVERY) return hub.relay(sender, message, source, ref);
    this.#untimed = 0;
    const started = performance.now();
    this.#timing = true;
    this.#written = false;
    try {
      hub.relay(sender, message, source, ref);
    } finally {
      this.#timing = false;
    }
    // The recipients' sockets are corked until the next tick (see SocketConnection.send): their
    // writes run before this, queued when they corked.
    if (this.#written) process.nextTick(observeSince, this.histogram, started);
  }

  /** While `timing`: a session was sent the message, to its socket when `attached`. */
  sent(attached: boolean): void {
    if (attached) this.#written = true;
  }
}
