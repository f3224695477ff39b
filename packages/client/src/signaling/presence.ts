import type { UserStatus } from "@switchboard/protocol";

/** What the client knows about one online user. */
export interface UserInfo {
  readonly name: string;
  readonly status: UserStatus;
  /** Speaks only the article's protocol: never rings, gets a `video-offer` straight away. */
  readonly legacy: boolean;
}

/** One effective change to the user list; no-ops produce none. */
export type PresenceChange =
  | { kind: "joined"; user: UserInfo }
  | { kind: "left"; name: string }
  | { kind: "status"; name: string; status: UserStatus };

/** The presence messages the server sends, in the shape this module needs. */
export type PresenceMessage =
  | { type: "userlist"; users: string[]; busy?: string[] | undefined; legacy?: string[] | undefined }
  | { type: "user-joined"; users: string[]; legacy?: string[] | undefined }
  | { type: "user-left"; users: string[] }
  | { type: "user-status"; name: string; status: UserStatus };

/**
 * The user list as a pure state machine. A `userlist` is a full snapshot; deltas are applied
 * in order as idempotent set operations (joining twice or leaving an absent user changes
 * nothing), which is what makes the snapshot/delta race after login harmless: a delta that was
 * in flight when the snapshot was taken re-applies a fact the snapshot already contains.
 */
export class PresenceState {
  readonly #users = new Map<string, UserInfo>();

  /** Applies one message; returns the changes it made, in order. */
  apply(message: PresenceMessage): PresenceChange[] {
    switch (message.type) {
      case "userlist":
        return this.#replace(message.users, new Set(message.busy), new Set(message.legacy));
      case "user-joined": {
        const legacy = new Set(message.legacy);
        return message.users.flatMap((name) => this.#join(name, legacy.has(name)));
      }
      case "user-left":
        return message.users.flatMap((name) => this.#leave(name));
      case "user-status":
        return this.#setStatus(message.name, message.status);
    }
  }

  /** Forgets everyone (e.g. after `close()`); returns the departures. */
  clear(): PresenceChange[] {
    return [...this.#users.keys()].flatMap((name) => this.#leave(name));
  }

  get(name: string): UserInfo | undefined {
    return this.#users.get(name);
  }

  has(name: string): boolean {
    return this.#users.has(name);
  }

  /** Users in the order they joined (snapshot order first). */
  list(): UserInfo[] {
    return [...this.#users.values()];
  }

  #replace(names: string[], busy: Set<string>, legacy: Set<string>): PresenceChange[] {
    const keep = new Set(names);
    const changes: PresenceChange[] = [];
    for (const name of [...this.#users.keys()]) if (!keep.has(name)) changes.push(...this.#leave(name));
    for (const name of names) {
      const known = this.#users.get(name);
      const status: UserStatus = busy.has(name) ? "busy" : "available";
      if (!known || known.legacy !== legacy.has(name)) {
        // A user whose kind changed (reconnected with another client) is a new user.
        if (known) changes.push(...this.#leave(name));
        changes.push(...this.#join(name, legacy.has(name), status));
      } else {
        changes.push(...this.#setStatus(name, status));
      }
    }
    return changes;
  }

  #join(name: string, legacy: boolean, status: UserStatus = "available"): PresenceChange[] {
    if (this.#users.has(name)) return [];
    const user: UserInfo = Object.freeze({ name, status, legacy });
    this.#users.set(name, user);
    return [{ kind: "joined", user }];
  }

  #leave(name: string): PresenceChange[] {
    return this.#users.delete(name) ? [{ kind: "left", name }] : [];
  }

  #setStatus(name: string, status: UserStatus): PresenceChange[] {
    const user = this.#users.get(name);
    // A status for someone not (or no longer) listed is stale: the leave already won.
    if (!user || user.status === status) return [];
    this.#users.set(name, Object.freeze({ ...user, status }));
    return [{ kind: "status", name, status }];
  }
}
