/**
 * File transfer between the peers of a call: the control messages sent over each transfer's
 * own RTCDataChannel (peer to peer: the server never sees them). A transfer's channel carries
 * JSON text messages both ways and, from sender to receiver, the file's bytes as binary
 * messages. Everything here comes from another user: bounded and validated before use.
 */
import { z } from "zod";

/** The `protocol` of a transfer's RTCDataChannel; channels with any other are not ours. */
export const FILE_CHANNEL_PROTOCOL = "switchboard-file/1";
/** The `label` the SDK gives those channels (informational only: never trusted). */
export const FILE_CHANNEL_LABEL = "file";

/** Longest file name, in UTF-16 code units. */
export const MAX_FILE_NAME_LENGTH = 255;
/** Largest file the protocol can announce (4 GiB); receivers may accept less. */
export const MAX_FILE_BYTES = 4 * 1024 ** 3;
/** Largest binary message a receiver takes (Chromium's own receive limit, 256 KiB). */
export const MAX_FILE_CHUNK_BYTES = 256 * 1024;
/** Longest text (control) message a receiver parses, in UTF-16 code units. */
export const MAX_FILE_CONTROL_LENGTH = 2048;
/** Longest reason in `file-failed`. */
export const MAX_FILE_FAILURE_LENGTH = 200;

/**
 * Characters a file name may not hold: controls (C0 and C1), line and paragraph separators,
 * bidirectional controls (an RLO shows "evil\u202Etxt.exe" as "evilexe.txt") and path separators.
 */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}/\\]/u;
const ALL_FORBIDDEN_IN_NAME = new RegExp(FORBIDDEN_IN_NAME.source, "gu");
const MIME = /^[a-z0-9!#$&^_.+-]{1,63}\/[a-z0-9!#$&^_.+-]{1,63}$/;

export const FileTransferId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1 to 64 letters, digits, _ or -");
export const FileName = z
  .string()
  .min(1)
  .max(MAX_FILE_NAME_LENGTH)
  .refine((name) => !FORBIDDEN_IN_NAME.test(name), "holds control characters or path separators");
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "64 lowercase hex digits");

/** Sender -> receiver, the channel's first message. */
export const FileOfferMessage = z.object({
  type: z.literal("file-offer"),
  id: FileTransferId,
  name: FileName,
  size: z.number().int().min(0).max(MAX_FILE_BYTES),
  /** A bare `type/subtype`, or "" when unknown. */
  mime: z.union([z.literal(""), z.string().regex(MIME)]),
});
/** Receiver -> sender: send the bytes. */
export const FileAcceptMessage = z.object({ type: z.literal("file-accept") });
/** Receiver -> sender: no. `too-large`: past what the receiver takes (said without asking its user). */
export const FileDeclineMessage = z.object({ type: z.literal("file-decline"), reason: z.enum(["declined", "too-large"]).optional() });
/** Either way: the user cancelled. */
export const FileCancelMessage = z.object({ type: z.literal("file-cancel") });
/** Sender -> receiver, after the last byte: the SHA-256 of all of them. */
export const FileDoneMessage = z.object({ type: z.literal("file-done"), sha256: Sha256Hex });
/** Receiver -> sender: the bytes' SHA-256 matched `file-done`'s. */
export const FileVerifiedMessage = z.object({ type: z.literal("file-verified") });
/** Either way: this side gave up on the transfer (a damaged file, a read error, a broken rule). */
export const FileFailedMessage = z.object({ type: z.literal("file-failed"), reason: z.string().max(MAX_FILE_FAILURE_LENGTH) });

/** What a receiver may get from the sender after the offer. */
export const FileSenderMessage = z.discriminatedUnion("type", [FileDoneMessage, FileCancelMessage, FileFailedMessage]);
/** What a sender may get from the receiver. */
export const FileReceiverMessage = z.discriminatedUnion("type", [
  FileAcceptMessage,
  FileDeclineMessage,
  FileCancelMessage,
  FileVerifiedMessage,
  FileFailedMessage,
]);

export type FileOfferMessage = z.infer<typeof FileOfferMessage>;
export type FileSenderMessage = z.infer<typeof FileSenderMessage>;
export type FileReceiverMessage = z.infer<typeof FileReceiverMessage>;
export type FileControlMessage = FileOfferMessage | FileSenderMessage | FileReceiverMessage;

/**
 * A local file's name as the protocol takes it: controls and path separators become "_", an
 * empty name "file", and a long one is cut to MAX_FILE_NAME_LENGTH (keeping whole characters
 * and, when it is short, the extension).
 */
export function safeFileName(name: string): string {
  const cleaned = name.replace(ALL_FORBIDDEN_IN_NAME, "_").trim() || "file";
  if (cleaned.length <= MAX_FILE_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : "";
  let stem = "";
  for (const character of cleaned.slice(0, cleaned.length - extension.length)) {
    if (stem.length + character.length + extension.length > MAX_FILE_NAME_LENGTH) break;
    stem += character;
  }
  return stem + extension;
}

/** A Blob's `type` as the protocol takes it: lowercased, parameters dropped, "" when odd. */
export function safeMimeType(type: string): string {
  const bare = type.split(";")[0]!.trim().toLowerCase();
  return MIME.test(bare) ? bare : "";
}
