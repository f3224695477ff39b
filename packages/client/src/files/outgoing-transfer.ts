import { chunkSizeFor, streamBlob } from "./chunk-stream.js";
import { decodeFromReceiver } from "./control-codec.js";
import { FileTransfer, type FileTransferInit, type TransferChannel } from "./file-transfer.js";

export interface OutgoingTransferDeps {
  /** The transfer's own data channel (once the connection has been negotiated). */
  openChannel(): Promise<TransferChannel>;
  /** The SCTP transport's `maxMessageSize`, read when the bytes start. */
  maxMessageSize(): number | null | undefined;
  highWaterBytes: number;
  lowWaterBytes: number;
}

/**
 * A file we offer to one peer: opens its channel, offers, and once accepted streams the Blob
 * (chunks sized to the channel's limit, backpressure on its buffer), then says the SHA-256 and
 * waits for the receiver to confirm it ("done") or to report a mismatch ("failed").
 */
export class OutgoingFileTransfer extends FileTransfer {
  readonly direction = "outgoing";
  readonly #blob: Blob;
  readonly #deps: OutgoingTransferDeps;
  readonly #stop = new AbortController();
  #sha256 = "";

  /** @internal FileTransfers.send() makes these. */
  constructor(init: FileTransferInit, blob: Blob, deps: OutgoingTransferDeps) {
    super(init);
    this.#blob = blob;
    this.#deps = deps;
    void this.#open();
  }

  async #open(): Promise<void> {
    let channel: TransferChannel;
    try {
      channel = await this.#deps.openChannel();
    } catch (error) {
      return this.fail(`Could not open a data channel: ${message(error)}`, false);
    }
    if (this.ended) return channel.close();
    this.attach(channel);
    const offer = () => this.sendControl({ type: "file-offer", id: this.id, name: this.name, size: this.size, mime: this.mime });
    if (channel.readyState === "open") offer();
    else channel.addEventListener("open", offer);
  }

  protected override onMessage(data: unknown): void {
    const decoded = decodeFromReceiver(data);
    if (!decoded.ok) return this.refuse(decoded.reason);
    const message = decoded.message;
    switch (message.type) {
      case "file-accept":
        if (this.state !== "offered") return this.refuse("it accepted twice.");
        this.setState("transferring");
        return void this.#stream();
      case "file-decline":
        if (this.state !== "offered") return this.refuse("it declined after accepting.");
        return this.end({ state: "declined", reason: message.reason ?? "declined" });
      case "file-cancel":
        return this.end({ state: "cancelled", by: "remote" });
      case "file-verified":
        if (this.state !== "verifying") return this.refuse("it confirmed a file it had not got.");
        return this.end({ state: "done", file: this.#blob, name: this.name, sha256: this.#sha256, verified: true });
      case "file-failed":
        return this.fail(`${this.peer}: ${message.reason || "the transfer failed."}`, false);
    }
  }

  protected override onEnd(): void {
    this.#stop.abort(new Error("The transfer ended."));
  }

  async #stream(): Promise<void> {
    const channel = this.channel;
    if (!channel) return;
    try {
      this.#sha256 = await streamBlob(this.#blob, channel, {
        chunkBytes: chunkSizeFor(this.#deps.maxMessageSize()),
        highWaterBytes: this.#deps.highWaterBytes,
        lowWaterBytes: this.#deps.lowWaterBytes,
        signal: this.#stop.signal,
        onProgress: (bytes) => this.progress(bytes),
      });
    } catch (error) {
      if (!this.ended) this.fail(`Could not send the file: ${message(error)}`);
      return;
    }
    if (this.ended) return;
    this.sendControl({ type: "file-done", sha256: this.#sha256 });
    this.setState("verifying");
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
