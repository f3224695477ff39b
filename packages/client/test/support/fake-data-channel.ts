/**
 * Data channels and peer connections for the file-transfer unit tests: a pair of channel ends
 * joined by an asynchronous "network" that models the send buffer (`bufferedAmount` rises on
 * send, falls as messages are delivered, `bufferedamountlow` when it crosses the threshold).
 * SCTP itself is not simulated; the Chromium e2e tests cover the real thing.
 */
import { FILE_CHANNEL_PROTOCOL } from "@switchboard/protocol";

const size = (data: string | ArrayBuffer) => (typeof data === "string" ? data.length : data.byteLength);

export class FakeDataChannel extends EventTarget {
  readyState: RTCDataChannelState = "connecting";
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = "blob";
  /** Every message sent from this end, in order. */
  readonly sent: (string | ArrayBuffer)[] = [];
  /** The largest bufferedAmount seen right after a send. */
  peakBuffered = 0;
  partner: FakeDataChannel | null = null;
  /** While true, nothing is delivered (the network is stalled). */
  stalled = false;
  readonly #queue: (string | ArrayBuffer)[] = [];

  constructor(
    readonly label: string,
    readonly protocol: string,
  ) {
    super();
  }

  send(data: string | ArrayBuffer): void {
    if (this.readyState !== "open") throw new DOMException("not open", "InvalidStateError");
    this.sent.push(data);
    this.#queue.push(data);
    this.bufferedAmount += size(data);
    this.peakBuffered = Math.max(this.peakBuffered, this.bufferedAmount);
    this.#schedule();
  }

  close(): void {
    if (this.readyState === "closed" || this.readyState === "closing") return;
    this.readyState = "closing";
    // What is buffered goes out first, then both ends close.
    const finish = () => {
      if (this.#queue.length > 0) return void setTimeout(finish, 0);
      for (const end of [this, this.partner]) {
        if (!end || end.readyState === "closed") continue;
        end.readyState = "closed";
        end.dispatchEvent(new Event("close"));
      }
    };
    setTimeout(finish, 0);
  }

  /** Opens both ends. */
  open(): void {
    for (const end of [this, this.partner]) {
      if (!end || end.readyState !== "connecting") continue;
      end.readyState = "open";
      end.dispatchEvent(new Event("open"));
    }
  }

  /** Delivers what stalled meanwhile. */
  resume(): void {
    this.stalled = false;
    this.#schedule();
  }

  #schedule(): void {
    setTimeout(() => this.#deliverOne(), 0);
  }

  #deliverOne(): void {
    if (this.stalled) return;
    const data = this.#queue.shift();
    if (data === undefined) return;
    const before = this.bufferedAmount;
    this.bufferedAmount -= size(data);
    if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold) {
      this.dispatchEvent(new Event("bufferedamountlow"));
    }
    const partner = this.partner;
    if (partner && partner.readyState === "open") partner.dispatchEvent(new MessageEvent("message", { data }));
    if (this.#queue.length > 0) this.#schedule();
  }
}

/** Two ends of one channel; open them with `a.open()`. */
export function channelPair(label = "file", protocol = FILE_CHANNEL_PROTOCOL): [FakeDataChannel, FakeDataChannel] {
  const a = new FakeDataChannel(label, protocol);
  const b = new FakeDataChannel(label, protocol);
  a.partner = b;
  b.partner = a;
  return [a, b];
}

/** The part of RTCPeerConnection FileTransfers uses; two of them joined with link(). */
export class FakeFilePeerConnection extends EventTarget {
  signalingState: RTCSignalingState = "stable";
  remoteDescription = {} as RTCSessionDescription | null;
  sctp = { maxMessageSize: 262_144 };
  remote: FakeFilePeerConnection | null = null;
  readonly channels: FakeDataChannel[] = [];

  createDataChannel(label: string, options: RTCDataChannelInit): FakeDataChannel {
    const [local, remote] = channelPair(label, options.protocol ?? "");
    this.channels.push(local);
    setTimeout(() => {
      this.remote?.announce(remote);
      local.open();
    }, 0);
    return local;
  }

  /** The peer opened `channel` (a `datachannel` event here). */
  announce(channel: FakeDataChannel): void {
    this.channels.push(channel);
    this.dispatchEvent(Object.assign(new Event("datachannel"), { channel }));
  }
}

export function linkedPeerConnections(): [FakeFilePeerConnection, FakeFilePeerConnection] {
  const a = new FakeFilePeerConnection();
  const b = new FakeFilePeerConnection();
  a.remote = b;
  b.remote = a;
  return [a, b];
}
