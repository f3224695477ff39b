import { createHash } from "node:crypto";
import { usernameKeys } from "@switchboard/protocol";
import type { Bus, SessionHandover } from "../bus/bus.js";
import type { Hub } from "../hub/hub.js";
import { RemotePeer } from "../hub/remote-peer.js";
import { checkedRoomName } from "../hub/room-name.js";
import type { Logger } from "../logger.js";
import { HandedOverSession, type ResumeOutcome } from "./handover.js";
import type { Session } from "./session.js";

export interface HandedOver {
  state: HandedOverSession;
  frames: readonly Uint8Array[];
}

/** How long a hand-off may take to be recorded at its new node. */
const HAND_OFF_SETTLE_MS = 10_000;

/** The store knows a resume token only by this: whoever reads the store cannot resume with it. */
const tokenHash = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * Resuming across nodes. A client whose connection dropped may come back through any node: one
 * that does not hold its session finds it through the store and takes it over from the node that
 * holds it (which hands it over, nobody seeing its user leave), or, when that node is gone,
 * starts a fresh session that gets the old one's name back at login.
 */
export class ClusterSessions {
  /** Sessions handed to another node, until the store says their users are there (and who waits for that). */
  readonly #handedOff = new Map<string, { timer: ReturnType<typeof setTimeout>; waiting: (() => void)[] }>();

  constructor(
    private readonly bus: Bus,
    private readonly hub: Hub,
    /**
     * Other nodes may exist: the store keeps resume records, and on SIGTERM sessions wait for
     * their clients to resume elsewhere rather than end. One node alone needs neither.
     */
    readonly clustered: boolean,
    private readonly logger: Logger,
  ) {}

  remember(session: Session): void {
    if (!this.clustered || session.resumeToken === null || session.name === null) return;
    this.bus.rememberResumable(tokenHash(session.resumeToken), { room: session.room, name: session.name, session: session.id });
  }

  forget(session: Session): void {
    if (this.clustered && session.resumeToken !== null) this.bus.forgetResumable(tokenHash(session.resumeToken));
  }

  /** A token this node does not hold (in a cluster): see the class comment. `adopt` takes a handed-over session. */
  async resumeElsewhere(token: string, adopt: (handedOver: HandedOver) => boolean, signedInAs?: string): Promise<ResumeOutcome> {
    try {
      const record = await this.bus.findResumable(tokenHash(token));
      if (!record || record.node === this.bus.nodeId) return "fresh";
      // With sign-in, only the same user takes its session back (`Session`'s check, on this side).
      if (signedInAs !== undefined && record.name !== signedInAs) return "fresh";
      if (record.alive) {
        const handover = await this.bus.takeSession(record.node, token);
        if (handover === undefined) return "fresh";
        if (handover !== "unreachable") {
          const state = HandedOverSession.safeParse(handover.state);
          if (!state.success) {
            this.logger.warn({ node: record.node, issues: state.error.issues.slice(0, 3) }, "bad session handover");
            return "fresh";
          }
          return adopt({ state: state.data, frames: handover.frames }) ? "resumed" : "fresh";
        }
      }
      return { replaces: { session: record.session, name: record.name, room: record.room } };
    } catch (error) {
      // The store is unreachable: nothing to resume from.
      this.logger.debug({ err: error }, "resume elsewhere failed");
      return "fresh";
    }
  }

  /** A session handed over to this node takes its user's place here, and in the store. */
  adopt(session: Session, state: HandedOverSession): boolean {
    if (!this.hub.takeOver(session, state.room, state.busy, state.partners)) return false;
    const claim = {
      room: checkedRoomName(state.room),
      name: state.name,
      nameKeys: usernameKeys(state.name),
      session: session.id,
      modern: true,
      ...(session.moderator && { moderator: true }),
      replaces: session.id,
    };
    this.bus.claim(claim).then(
      (result) => {
        if (!result.ok) this.hub.lost(session);
      },
      // The store is unreachable: restoring this node's users after the outage writes it.
      () => {},
    );
    return true;
  }

  /** The store moved a user to another session or node: a hand-off from here is complete. */
  moved(previousSession: string): void {
    const handedOff = this.#handedOff.get(previousSession);
    if (!handedOff) return;
    this.#handedOff.delete(previousSession);
    clearTimeout(handedOff.timer);
    for (const settled of handedOff.waiting) settled();
  }

  /**
   * Resolves once every session handed off from here is recorded at its new node, or after
   * `timeoutMs`: a node that leaves the cluster releases what the store still has under it.
   */
  async handOffsSettled(timeoutMs: number): Promise<void> {
    if (this.#handedOff.size === 0) return;
    const pending = [...this.#handedOff.values()].map((handedOff) => new Promise<void>((resolve) => handedOff.waiting.push(resolve)));
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, timeoutMs))))]);
    clearTimeout(timer);
  }

  /** Refused while a login or room switch of its waits for the store: the session is in no room to hand over. */
  canHandOff(session: Session): boolean {
    return this.hub.roomOf(session) !== undefined && !this.hub.isJoining(session);
  }

  /** The session goes to node `to`: what it takes along, and its user is that node's here from now on. */
  handOff(session: Session, to: string): SessionHandover {
    const { id } = session;
    const name = session.name!;
    const room = session.room;
    // Its new node never recorded it (it failed to take it meanwhile): nobody holds it, its name goes.
    const timer = setTimeout(() => {
      this.#handedOff.delete(id);
      this.bus.release(room, name, id);
      this.hub.forgetElsewhere(room, name, id);
    }, HAND_OFF_SETTLE_MS);
    timer.unref();
    this.#handedOff.set(id, { timer, waiting: [] });
    const busy = this.hub.isBusy(session);
    const handover = session.handOver(busy, this.hub.partnersOf(session));
    const member = { room, name, session: id, node: to, modern: true, busy, ...(session.moderator && { moderator: true }) };
    this.hub.handOff(session, new RemotePeer(member, this.bus));
    return { state: handover.state, frames: handover.frames };
  }
}
