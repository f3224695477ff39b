import type { FileOfferMessage } from "@switchboard/protocol";
import { decodeFromSender } from "./control-codec.js";
import { FileTransfer, type TransferChannel } from "./file-transfer.js";
import { ReceivedBytes } from "./received-bytes.js";

/**
 * A file a peer offers us. accept() or decline() it; once accepted the bytes arrive (never
 * more than announced), and the file is offered (`done`, `outcome.file`) only after their
 * SHA-256 matched the sender's. A mismatch fails the transfer and tells the sender.
 */
export class IncomingFileTransfer extends FileTransfer {
  readonly direction = "incoming";
  #bytes: ReceivedBytes | null = null;

  /** @internal FileTransfers makes these from a channel whose first message was this offer. */
  constructor(offer: FileOfferMessage, peer: string, channel: TransferChannel) {
    super({ id: offer.id, peer, name: offer.name, size: offer.size, mime: offer.mime });
    this.attach(channel);
  }

  /** Asks for the bytes. Harmless once accepted or ended. */
  accept(): void {
    if (this.state !== "offered" || this.ended) return;
    this.#bytes = new ReceivedBytes(this.size, this.mime);
    this.sendControl({ type: "file-accept" });
    this.setState(this.size === 0 ? "verifying" : "transferring");
  }

  /** Says no ("declined" at the sender). Harmless once accepted (use cancel() then) or ended. */
  decline(): void {
    if (this.state !== "offered") return;
    this.end({ state: "declined", reason: "declined" }, { type: "file-decline", reason: "declined" });
  }

  protected override onMessage(data: unknown): void {
    if (data instanceof ArrayBuffer) return this.#chunk(data);
    const decoded = decodeFromSender(data);
    if (!decoded.ok) return this.refuse(decoded.reason);
    const message = decoded.message;
    switch (message.type) {
      case "file-done":
        return this.#verify(message.sha256);
      case "file-cancel":
        return this.end({ state: "cancelled", by: "remote" });
      case "file-failed":
        return this.fail(`${this.peer}: ${message.reason || "the transfer failed."}`, false);
    }
  }

  #chunk(chunk: ArrayBuffer): void {
    const bytes = this.#bytes;
    if (!bytes) return this.refuse("it sent bytes before they were accepted.");
    try {
      bytes.add(chunk);
    } catch (error) {
      return this.refuse((error as Error).message);
    }
    this.progress(bytes.received);
    if (bytes.complete) this.setState("verifying");
  }

  #verify(expected: string): void {
    const bytes = this.#bytes;
    if (!bytes) return this.refuse("it finished a file that was not accepted.");
    if (!bytes.complete) return this.refuse(`it finished after ${bytes.received} of the ${this.size} bytes it announced.`);
    const actual = bytes.digest();
    if (actual !== expected) return this.fail("The file arrived damaged: its SHA-256 does not match the sender's.");
    this.sendControl({ type: "file-verified" });
    this.end({ state: "done", file: bytes.blob(), name: this.name, sha256: actual, verified: true });
  }
}
