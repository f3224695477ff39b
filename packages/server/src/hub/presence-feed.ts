import type { UserStatus } from "@switchboard/protocol";
import type { Frame } from "../wire/frame.js";
import { encodeShared as encode } from "../wire/outgoing.js";
import type { Peer } from "./peer.js";

type PresenceEvent =
  | { kind: "user-joined"; name: string; legacy: boolean }
  | { kind: "user-left"; name: string }
  | { kind: "user-status"; name: string; status: UserStatus };

export interface PresenceSource {
  /** Logged-in peers, the recipients of presence updates. */
  peers(): Iterable<Peer>;
  /** Logged-in user names, for the article's full `userlist`. */
  names(): string[];
}


/**
 * Coalesces presence changes. The article sends the whole list to everyone on every join,
 * which is quadratic per join and cubic for a join storm. Here changes are batched: the first
 * change after a quiet period goes out at once, later ones at most once per interval.
 * Article clients get one `userlist` per flush; modern clients get ordered deltas
 * (`user-joined` / `user-left` / `user-status`), each encoded once for all recipients.
 */
export class PresenceFeed {
  #events: PresenceEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFlush = -Infinity;

  constructor(
    private readonly source: PresenceSource,
    private readonly intervalMs: number,
  ) {}

  /** `legacy`: the user speaks only the article's protocol (never said `hello`). */
  joined(name: string, legacy: boolean): void {
    this.#push({ kind: "user-joined", name, legacy });
  }

  left(name: string): void {
    this.#push({ kind: "user-left", name });
  }

  statusChanged(name: string, status: UserStatus): void {
    this.#push({ kind: "user-status", name, status });
  }

  /** Sends what is pending now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastFlush = Date.now();
    const events = this.#events;
    if (events.length === 0) return;
    this.#events = [];

    const membershipChanged = events.some((event) => event.kind !== "user-status");
    let legacyList: Frame | undefined;
    let deltas: Frame[] | undefined;
    for (const peer of this.source.peers()) {
      if (peer.modern) {
        deltas ??= toDeltaFrames(events);
        for (const frame of deltas) peer.send(frame, true);
      } else if (membershipChanged) {
        legacyList ??= encode({ type: "userlist", users: this.source.names() });
        peer.send(legacyList, true);
      }
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#events = [];
  }

  #push(event: PresenceEvent): void {
    this.#events.push(event);
    if (this.#timer) return;
    const delay = Math.max(0, this.#lastFlush + this.intervalMs - Date.now());
    this.#timer = setTimeout(() => this.flush(), delay);
  }
}

/** Runs of joins (or leaves) become one message each; order is kept so replay is exact. */
function toDeltaFrames(events: PresenceEvent[]): Frame[] {
  const frames: Frame[] = [];
  let run: { kind: "user-joined" | "user-left"; users: string[]; legacy: string[] } | undefined;
  const endRun = () => {
    if (run?.kind === "user-joined" && run.legacy.length > 0) {
      frames.push(encode({ type: run.kind, users: run.users, legacy: run.legacy }));
    } else if (run) {
      frames.push(encode({ type: run.kind, users: run.users }));
    }
    run = undefined;
  };
  for (const event of events) {
    if (event.kind === "user-status") {
      endRun();
      frames.push(encode({ type: "user-status", name: event.name, status: event.status }));
    } else {
      if (run?.kind !== event.kind) {
        endRun();
        run = { kind: event.kind, users: [], legacy: [] };
      }
      run.users.push(event.name);
      if (event.kind === "user-joined" && event.legacy) run.legacy.push(event.name);
    }
  }
  endRun();
  return frames;
}
