import type { TypedEmitter, Disposer } from "../typed-emitter.js";
import type { ConnectionState } from "./connection-state.js";
import type { PresenceChange, PresenceState } from "./presence.js";
import { SignalingError } from "./signaling-error.js";
import type { SignalingClientEvents } from "./signaling-types.js";

/** Turns effective presence changes into the client's events: one per change, then the full list. */
export function emitPresenceChanges(
  events: TypedEmitter<SignalingClientEvents>,
  changes: PresenceChange[],
  presence: PresenceState,
): void {
  if (changes.length === 0) return;
  for (const change of changes) {
    if (change.kind === "joined") events.emit("user-joined", change.user);
    else if (change.kind === "left") events.emit("user-left", change.name);
    else events.emit("user-status", change.name, change.status);
  }
  events.emit("users", presence.list());
}

/** Resolves when the state becomes "open", rejects if it becomes "closed" first. */
export function whenOpen(
  current: ConnectionState,
  onState: (listener: (state: ConnectionState) => void) => Disposer,
): Promise<void> {
  if (current === "open") return Promise.resolve();
  if (current === "closed") return Promise.reject(SignalingError.client("closed", "The client is closed."));
  return new Promise((resolve, reject) => {
    const dispose = onState((state) => {
      if (state === "open") resolve();
      else if (state === "closed") reject(SignalingError.client("closed", "The client closed before connecting."));
      else return;
      dispose();
    });
  });
}
