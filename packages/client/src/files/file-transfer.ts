import { MAX_FILE_FAILURE_LENGTH, type FileControlMessage } from "@switchboard/protocol";
import { TypedEmitter, type Disposer } from "../typed-emitter.js";
import { encodeControl } from "./control-codec.js";

/**
 * Where a transfer stands. "offered": waiting for the receiver to accept; "transferring": the
 * bytes flow; "verifying": all bytes are out (or in) and the SHA-256 is being checked; then one
 * of the ends: "done" (the digests matched), "declined", "cancelled", "failed".
 */
export type FileTransferState = "offered" | "transferring" | "verifying" | "done" | "declined" | "cancelled" | "failed";

/** A transfer's end, once it has one. */
export type FileTransferOutcome =
  /** The receiver has the file and its SHA-256 matches the sender's: `file` is it (on the sender, the Blob sent). */
  | { state: "done"; file: Blob; name: string; sha256: string; verified: true }
  /** "too-large": the receiver's SDK declined it (past its `maxFileBytes`) without asking its user. */
  | { state: "declined"; reason: "declined" | "too-large" }
  | { state: "cancelled"; by: "local" | "remote" }
  | { state: "failed"; reason: string };

export type FileTransferResult = Extract<FileTransferOutcome, { state: "done" }>;

export interface FileTransferEvents {
  state: (state: FileTransferState) => void;
  /** Bytes so far: handed to the data channel (sender) or received (receiver). Only ever rises. */
  progress: (bytes: number, total: number) => void;
  /** Verified: the receiver's SHA-256 of the bytes equals the sender's. */
  done: (result: FileTransferResult) => void;
  declined: (reason: "declined" | "too-large") => void;
  /** `by`: "local" when we cancelled, "remote" when the other side did. */
  cancelled: (by: "local" | "remote") => void;
  /** Why, in a sentence (a broken connection, a damaged file, a peer breaking the protocol). */
  failed: (reason: string) => void;
}

/** The part of an RTCDataChannel a transfer uses (a fake one in the unit tests). */
export interface TransferChannel {
  readonly readyState: RTCDataChannelState;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: BinaryType;
  send(data: string | ArrayBuffer): void;
  close(): void;
  addEventListener(type: "open" | "close" | "bufferedamountlow", listener: () => void): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "open" | "close" | "bufferedamountlow", listener: () => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

export interface FileTransferInit {
  id: string;
  /** The other side's user name. */
  peer: string;
  name: string;
  size: number;
  mime: string;
}

/**
 * One file going to or coming from one peer, over a data channel of its own. Either side may
 * cancel() at any time before the end; every end is final and is said once (`state`, then the
 * end's own event). OutgoingFileTransfer and IncomingFileTransfer drive it.
 */
export abstract class FileTransfer {
  abstract readonly direction: "outgoing" | "incoming";
  readonly id: string;
  readonly peer: string;
  readonly name: string;
  /** In bytes, as announced in the offer. */
  readonly size: number;
  /** A bare MIME type, or "" when unknown. */
  readonly mime: string;
  protected readonly events = new TypedEmitter<FileTransferEvents>();
  protected channel: TransferChannel | null = null;
  #state: FileTransferState = "offered";
  #bytes = 0;
  #outcome: FileTransferOutcome | null = null;
  #unsubscribe: Disposer = () => undefined;

  protected constructor(init: FileTransferInit) {
    this.id = init.id;
    this.peer = init.peer;
    this.name = init.name;
    this.size = init.size;
    this.mime = init.mime;
  }

  on<E extends keyof FileTransferEvents>(event: E, listener: FileTransferEvents[E]): Disposer {
    return this.events.on(event, listener);
  }

  get state(): FileTransferState {
    return this.#state;
  }

  /** Bytes so far (see the `progress` event). */
  get bytes(): number {
    return this.#bytes;
  }

  /** How it ended, or null while it goes on. */
  get outcome(): FileTransferOutcome | null {
    return this.#outcome;
  }

  get ended(): boolean {
    return this.#outcome !== null;
  }

  /** Stops the transfer on both sides ("cancelled" by "local" here, by "remote" there). Harmless after the end. */
  cancel(): void {
    this.end({ state: "cancelled", by: "local" }, { type: "file-cancel" });
  }

  /** @internal Ends it as failed (e.g. the call ended), telling the peer why. */
  abort(reason: string): void {
    this.fail(reason);
  }

  // --- for the two directions ----------------------------------------------------------------

  protected abstract onMessage(data: unknown): void;
  /** The end came: stop whatever is in flight. */
  protected onEnd(): void {}

  protected attach(channel: TransferChannel): void {
    this.channel = channel;
    const onMessage = (event: MessageEvent) => {
      if (!this.ended) this.onMessage(event.data);
    };
    const onClose = () => this.fail("The connection closed before the transfer finished.", false);
    channel.addEventListener("message", onMessage);
    channel.addEventListener("close", onClose);
    this.#unsubscribe = () => {
      channel.removeEventListener("message", onMessage);
      channel.removeEventListener("close", onClose);
    };
  }

  protected setState(state: FileTransferState): void {
    if (this.ended || state === this.#state) return;
    this.#state = state;
    this.events.emit("state", state);
  }

  protected progress(bytes: number): void {
    if (this.ended || bytes <= this.#bytes) return;
    this.#bytes = bytes;
    this.events.emit("progress", bytes, this.size);
  }

  protected sendControl(message: FileControlMessage): void {
    if (this.channel?.readyState !== "open") return;
    try {
      this.channel.send(encodeControl(message));
    } catch {
      // The channel is going away: its close event ends the transfer.
    }
  }

  /** Fails the transfer; `tell`: say why to the peer (not when the peer is the one who broke it off). */
  protected fail(reason: string, tell = true): void {
    this.end({ state: "failed", reason }, tell ? { type: "file-failed", reason: reason.slice(0, MAX_FILE_FAILURE_LENGTH) } : undefined);
  }

  /** The peer broke the file protocol: the transfer fails, and the peer is told so. */
  protected refuse(reason: string): void {
    this.fail(`${this.peer} broke the file transfer protocol: ${reason}`);
  }

  /** Ends the transfer once: tells the peer `last` (if any), closes the channel, says so. */
  protected end(outcome: FileTransferOutcome, last?: FileControlMessage): void {
    if (this.ended) return;
    this.#outcome = outcome;
    this.#state = outcome.state;
    if (last) this.sendControl(last);
    this.#unsubscribe();
    // Closing lets what is buffered (the last message above all) go out first.
    this.channel?.close();
    this.onEnd();
    this.events.emit("state", outcome.state);
    switch (outcome.state) {
      case "done":
        return this.events.emit("done", outcome);
      case "declined":
        return this.events.emit("declined", outcome.reason);
      case "cancelled":
        return this.events.emit("cancelled", outcome.by);
      case "failed":
        return this.events.emit("failed", outcome.reason);
    }
  }
}
