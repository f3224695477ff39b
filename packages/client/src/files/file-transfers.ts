import { FILE_CHANNEL_LABEL, FILE_CHANNEL_PROTOCOL, MAX_FILE_BYTES, safeFileName, safeMimeType } from "@switchboard/protocol";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { decodeOffer, encodeControl } from "./control-codec.js";
import type { FileTransfer, TransferChannel } from "./file-transfer.js";
import { IncomingFileTransfer } from "./incoming-transfer.js";
import { OutgoingFileTransfer } from "./outgoing-transfer.js";

export interface FileTransfersOptions {
  /** Larger offers are declined ("too-large") without asking the app. */
  maxFileBytes: number;
  /** Incoming transfers from the peer at once (offered or running); a channel past it is closed. */
  maxIncoming: number;
  /** A channel whose offer does not come within this is closed. */
  offerTimeoutMs: number;
  /** Backpressure: queue chunks while the channel buffers at most this... */
  highWaterBytes: number;
  /** ...then wait until it drained to this (`bufferedAmountLowThreshold`). */
  lowWaterBytes: number;
}

export const DEFAULT_FILE_TRANSFERS_OPTIONS: Readonly<FileTransfersOptions> = Object.freeze({
  maxFileBytes: 1024 ** 3,
  maxIncoming: 8,
  offerTimeoutMs: 10_000,
  highWaterBytes: 1024 * 1024,
  lowWaterBytes: 256 * 1024,
});

export interface FileTransfersEvents {
  /** The peer offers a file: accept() or decline() it. */
  offer: (transfer: IncomingFileTransfer) => void;
  /** The peer broke the file protocol before a transfer existed; what it sent was dropped. */
  error: (error: Error) => void;
}

/** The part of an RTCPeerConnection file transfer uses. */
export interface FilePeerConnection {
  readonly signalingState: RTCSignalingState;
  readonly remoteDescription: RTCSessionDescription | null;
  readonly sctp: { readonly maxMessageSize: number } | null;
  createDataChannel(label: string, options: RTCDataChannelInit): TransferChannel;
  addEventListener(type: "datachannel", listener: (event: { channel: TransferChannel & { readonly protocol: string } }) => void): void;
  addEventListener(type: "signalingstatechange", listener: () => void): void;
  removeEventListener(type: "datachannel", listener: (event: { channel: TransferChannel & { readonly protocol: string } }) => void): void;
  removeEventListener(type: "signalingstatechange", listener: () => void): void;
}

/**
 * Files both ways over one peer connection, each transfer on a data channel of its own
 * (protocol FILE_CHANNEL_PROTOCOL; other channels are left alone). It only adds listeners
 * (`datachannel`, `signalingstatechange`): the connection's owner keeps its `on*` handlers, and
 * the first channel's renegotiation is the owner's perfect negotiation's.
 */
export class FileTransfers {
  readonly options: Readonly<FileTransfersOptions>;
  readonly #events = new TypedEmitter<FileTransfersEvents>();
  readonly #active = new Set<FileTransfer>();
  /** Incoming channels still waiting for their offer, and how to stop waiting. */
  readonly #pending = new Map<TransferChannel, () => void>();
  readonly #onDataChannel = (event: { channel: TransferChannel & { readonly protocol: string } }) => this.#incoming(event.channel);
  #closed = false;

  constructor(
    readonly peerConnection: FilePeerConnection,
    /** The other side's user name. */
    readonly peer: string,
    options: Partial<FileTransfersOptions> = {},
  ) {
    this.options = Object.freeze({ ...DEFAULT_FILE_TRANSFERS_OPTIONS, ...options });
    peerConnection.addEventListener("datachannel", this.#onDataChannel);
  }

  on<E extends keyof FileTransfersEvents>(event: E, listener: FileTransfersEvents[E]): Disposer {
    return this.#events.on(event, listener);
  }

  /** The transfers going on, both ways. */
  get active(): readonly FileTransfer[] {
    return [...this.#active];
  }

  /**
   * Offers `file` to the peer (the name defaults to a File's own; it is made safe for the
   * protocol). The channel opens once the connection has been negotiated. Throws after close().
   */
  send(file: Blob, options: { name?: string } = {}): OutgoingFileTransfer {
    if (this.#closed) throw new Error("FileTransfers.send: closed (the call is over).");
    if (file.size > MAX_FILE_BYTES) throw new RangeError(`FileTransfers.send: ${file.size} bytes is more than a transfer carries (${MAX_FILE_BYTES}).`);
    const pc = this.peerConnection;
    const name = safeFileName(options.name ?? (file as Partial<File>).name ?? "file");
    const transfer = new OutgoingFileTransfer({ id: globalThis.crypto.randomUUID(), peer: this.peer, name, size: file.size, mime: safeMimeType(file.type) }, file, {
      openChannel: async () => {
        await firstNegotiation(pc);
        return pc.createDataChannel(FILE_CHANNEL_LABEL, { ordered: true, protocol: FILE_CHANNEL_PROTOCOL });
      },
      maxMessageSize: () => pc.sctp?.maxMessageSize,
      highWaterBytes: this.options.highWaterBytes,
      lowWaterBytes: this.options.lowWaterBytes,
    });
    this.#track(transfer);
    return transfer;
  }

  /** Fails every transfer going on (telling the peer `reason`) and takes no new ones. Idempotent. */
  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.peerConnection.removeEventListener("datachannel", this.#onDataChannel);
    for (const [channel, settle] of [...this.#pending]) {
      settle();
      channel.close();
    }
    for (const transfer of [...this.#active]) transfer.abort(reason);
  }

  #track(transfer: FileTransfer): void {
    if (transfer.ended) return;
    this.#active.add(transfer);
    const dispose = transfer.on("state", () => {
      if (!transfer.ended) return;
      this.#active.delete(transfer);
      dispose();
    });
  }

  #incoming(channel: TransferChannel & { readonly protocol: string }): void {
    if (channel.protocol !== FILE_CHANNEL_PROTOCOL) return;
    const running = [...this.#active].filter((transfer) => transfer.direction === "incoming").length;
    if (this.#closed || running + this.#pending.size >= this.options.maxIncoming) {
      channel.close();
      this.#error(`${this.peer} offered more than ${this.options.maxIncoming} files at once; the extra one was refused.`);
      return;
    }
    channel.binaryType = "arraybuffer";
    const settle = () => {
      clearTimeout(timer);
      channel.removeEventListener("message", onFirst);
      channel.removeEventListener("close", settle);
      this.#pending.delete(channel);
    };
    const refuse = (reason: string) => {
      settle();
      channel.close();
      this.#error(`${this.peer}'s file offer was dropped: ${reason}`);
    };
    const timer = setTimeout(() => refuse(`no offer came within ${this.options.offerTimeoutMs} ms.`), this.options.offerTimeoutMs);
    const onFirst = (event: MessageEvent) => {
      settle();
      const decoded = decodeOffer(event.data);
      if (!decoded.ok) return refuse(decoded.reason);
      const offer = decoded.message;
      if ([...this.#active].some((transfer) => transfer.direction === "incoming" && transfer.id === offer.id)) {
        return refuse(`a transfer with id ${offer.id} is already going on.`);
      }
      if (offer.size > this.options.maxFileBytes) {
        try {
          channel.send(encodeControl({ type: "file-decline", reason: "too-large" }));
        } catch {
          // The channel is closing already: the sender learns it from that.
        }
        channel.close();
        return;
      }
      const transfer = new IncomingFileTransfer(offer, this.peer, channel);
      this.#track(transfer);
      this.#events.emit("offer", transfer);
    };
    channel.addEventListener("message", onFirst);
    channel.addEventListener("close", settle);
    this.#pending.set(channel, settle);
  }

  #error(message: string): void {
    if (!this.#closed) this.#events.emit("error", new Error(message));
  }
}

/**
 * Resolves once the connection has been through its first offer and answer (or closed). A data
 * channel made earlier would start an offer of its own, racing the call's first one; made after,
 * it is an ordinary renegotiation.
 */
function firstNegotiation(pc: FilePeerConnection): Promise<void> {
  const ready = () => pc.signalingState === "closed" || (pc.signalingState === "stable" && pc.remoteDescription !== null);
  if (ready()) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (!ready()) return;
      pc.removeEventListener("signalingstatechange", check);
      resolve();
    };
    pc.addEventListener("signalingstatechange", check);
  });
}
