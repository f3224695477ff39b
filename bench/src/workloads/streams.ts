/**
 * P pairs of clients, each sending a numbered stream to its partner through the server. Every
 * delivery is checked against the stream's sequence (loss, duplication, reordering) and timed
 * from its send in this same process. Shared by the closed-loop and the fixed-rate workloads.
 */
import { connectMany, type ClientAdapter, type Connection } from "../clients/index.js";
import { kindOf, relayTemplate, seqOf, type FrameTemplate, type RelayKind } from "../clients/frames.js";
import { Samples } from "../stats.js";
import { names } from "./common.js";

export interface Integrity {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
}

interface Stream {
  from: Connection;
  templates: Record<RelayKind, FrameTemplate>;
  sendTimes: number[];
  expected: number;
  delivered: number;
  duplicated: number;
  reordered: number;
}

export class PairStreams {
  /** Called after each delivery on stream `i` (the closed loop sends the next message here). */
  onDelivered: (stream: number) => void = () => {};
  /** Deliveries inside the window [windowStart, windowEnd] are counted and their latency kept. */
  windowStart = Number.POSITIVE_INFINITY;
  windowEnd = Number.POSITIVE_INFINITY;
  windowDeliveries = 0;
  readonly latencies = new Samples();
  readonly #streams: Stream[];

  private constructor(readonly connections: Connection[], adapter: ClientAdapter, userNames: string[]) {
    // Stream i goes from connection i to its partner i ^ 1.
    this.#streams = connections.map((from, i) => ({
      from,
      templates: {
        candidate: relayTemplate(adapter.envelope, userNames[i ^ 1]!, "candidate"),
        offer: relayTemplate(adapter.envelope, userNames[i ^ 1]!, "offer"),
      },
      sendTimes: [],
      expected: 0,
      delivered: 0,
      duplicated: 0,
      reordered: 0,
    }));
    connections.forEach((connection, i) => (connection.onFrame = (data) => this.#receive(i ^ 1, data)));
  }

  /**
   * Logs in 2 × `pairs` users, user i at `urlOf(i)`. With `awaitPartners` (Switchboard only), it
   * resolves once every user's presence shows its partner: on a cluster, a node routes to a
   * user of another node once its replica has that user, which may be after the user's `ack`.
   */
  static async open(adapter: ClientAdapter, urlOf: (index: number) => string, pairs: number, awaitPartners = false): Promise<PairStreams> {
    const userNames = names(pairs * 2, `${adapter.server[0]}`);
    const connections = await connectMany(adapter, urlOf, userNames, 64);
    if (awaitPartners) {
      await Promise.all(
        connections.map((connection, i) =>
          connection.waitFor((message) => {
            const listed = message.type === "userlist" || message.type === "user-joined";
            return listed && (message.users as unknown[]).includes(userNames[i ^ 1]) ? true : undefined;
          }),
        ),
      );
    }
    return new PairStreams(connections, adapter, userNames);
  }

  get count(): number {
    return this.#streams.length;
  }

  /** Sends the next message of stream `i`. */
  send(i: number): void {
    const stream = this.#streams[i]!;
    const seq = stream.sendTimes.length;
    const template = stream.templates[kindOf(seq)];
    stream.sendTimes.push(performance.now());
    stream.from.send(template.prefix + seq + template.suffix);
  }

  inFlight(): number {
    let total = 0;
    for (const stream of this.#streams) total += stream.sendTimes.length - stream.delivered + stream.duplicated;
    return total;
  }

  integrity(): Integrity {
    const sum = (pick: (stream: Stream) => number) => this.#streams.reduce((total, stream) => total + pick(stream), 0);
    const sent = sum((s) => s.sendTimes.length);
    const duplicated = sum((s) => s.duplicated);
    const delivered = sum((s) => s.delivered) - duplicated;
    return { sent, delivered, lost: sent - delivered, duplicated, reordered: sum((s) => s.reordered) };
  }

  #receive(i: number, data: Buffer): void {
    const seq = seqOf(data);
    if (seq < 0) return; // presence and other traffic
    const now = performance.now();
    const stream = this.#streams[i]!;
    stream.delivered++;
    if (seq === stream.expected) stream.expected++;
    else if (seq < stream.expected) stream.duplicated++;
    else {
      stream.reordered++;
      stream.expected = seq + 1;
    }
    if (now >= this.windowStart && now <= this.windowEnd) {
      this.windowDeliveries++;
      this.latencies.push(now - stream.sendTimes[seq]!);
    }
    this.onDelivered(i);
  }
}
