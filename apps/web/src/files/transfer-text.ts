import type { FileTransferOutcome, FileTransferState } from "@switchboard/client";

/** "1.5 MB" (decimal units, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Whole percent done, rounded down: 100 only once every byte is there. */
export function percentOf(bytes: number, size: number): number {
  if (size <= 0) return 100;
  return Math.min(100, Math.floor((bytes * 100) / size));
}

export interface TransferSnapshot {
  direction: "outgoing" | "incoming";
  peer: string;
  state: FileTransferState;
  percent: number;
  outcome: FileTransferOutcome | null;
}

/** The line under a transfer's name. */
export function transferStatus({ direction, peer, state, percent, outcome }: TransferSnapshot): string {
  const sending = direction === "outgoing";
  switch (outcome?.state ?? state) {
    case "offered":
      return sending ? `Waiting for ${peer} to accept…` : `${peer} wants to send you this file.`;
    case "transferring":
      return sending ? `Sending to ${peer}: ${percent}%` : `Receiving from ${peer}: ${percent}%`;
    case "verifying":
      return sending ? `Sent; ${peer} is checking it…` : "Checking the file's SHA-256…";
    case "done":
      return sending ? `${peer} received it, verified.` : `Received from ${peer}, verified.`;
    case "declined": {
      if (!sending) return "You declined.";
      const tooLarge = outcome?.state === "declined" && outcome.reason === "too-large";
      return tooLarge ? `${peer} does not take files this large.` : `${peer} declined.`;
    }
    case "cancelled":
      return outcome?.state === "cancelled" && outcome.by === "remote" ? `${peer} cancelled.` : "You cancelled.";
    case "failed":
      return `Failed: ${outcome?.state === "failed" ? outcome.reason : "unknown reason"}`;
  }
}
