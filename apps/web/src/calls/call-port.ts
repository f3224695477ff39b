/**
 * The calls as the app's UI sees them. `sdk-calls.ts` implements this on top of the SDK's
 * CallManager; the controller and views depend only on this shape.
 */
import type { CallEndReason, FileTransfer, IncomingFileTransfer } from "@switchboard/client";

export type PortCallState = "ringing" | "connecting" | "active" | "ended";

/** Why a call ended: the SDK's reasons. */
export type EndReason = CallEndReason;

export interface StatsSample {
  rttMs: number | null;
  /** Fraction of inbound packets lost, 0..1. */
  lossFraction: number | null;
  /** Inbound video frames decoded so far. */
  framesDecoded: number;
}

export interface PortCall {
  readonly peer: string;
  readonly direction: "outgoing" | "incoming";
  readonly state: PortCallState;
  /** Callee only: answers (local media comes from the port's media source). */
  accept(): Promise<void>;
  /** Callee only: declines while ringing. */
  decline(): void;
  /** Hangs up, or cancels while still ringing. */
  hangUp(): void;
  onState(listener: (state: PortCallState, reason: EndReason | null) => void): () => void;
  onRemoteStream(listener: (stream: MediaStream) => void): () => void;
  /** Shares a screen, window or tab (the browser asks which: call it from a click); rejects when refused. */
  startScreenShare(): Promise<void>;
  stopScreenShare(): void;
  /** A screen share started or stopped (null): ours (`self`) or the other side's. */
  onScreenShare(listener: (self: boolean, stream: MediaStream | null) => void): () => void;
  stats(): Promise<StatsSample | null>;
  /** A device switch: sends `track` instead of our camera or microphone (no renegotiation); resolves with the replaced track. */
  replaceTrack(track: MediaStreamTrack): Promise<MediaStreamTrack | null>;
  /** False for an article client: it cannot take files. */
  readonly canSendFiles: boolean;
  /** Offers a file to the other side; throws before the call is active. */
  sendFile(file: File): FileTransfer;
  onFileOffer(listener: (transfer: IncomingFileTransfer) => void): () => void;
}

export interface CallPort {
  /** Starts an outgoing call (ringing, or straight to connecting for article clients). Throws when it can't. */
  call(peer: string): PortCall;
  onIncoming(listener: (call: PortCall) => void): () => void;
  /** Asynchronous failures the SDK reports (e.g. negotiation errors). */
  onError(listener: (error: unknown) => void): () => void;
}

/** Where a call's local media comes from; null means receive-only. */
export type MediaSource = () => Promise<MediaStream | null>;
