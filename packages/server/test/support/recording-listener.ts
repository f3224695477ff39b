import type { BusListener, ClusterEvent, ClusterSnapshot, Delivery, LocalState, MemberRecord, SessionHandover } from "../../src/bus/bus.js";

/** A listener that records what it is told, and answers from what a test gives it. */
export class RecordingListener implements BusListener {
  readonly events: ClusterEvent[] = [];
  readonly relays: Delivery[] = [];
  readonly undeliveredRelays: Delivery[] = [];
  readonly resets: { snapshot: ClusterSnapshot; lost: readonly MemberRecord[] }[] = [];
  readonly healths: boolean[] = [];
  readonly handOvers: { token: string; to: string }[] = [];
  sessions = new Map<string, SessionHandover>();
  state: LocalState = { members: [], groupCalls: [], histories: [], settings: [] };

  event(event: ClusterEvent): void {
    this.events.push(event);
  }
  relay(delivery: Delivery): void {
    this.relays.push(delivery);
  }
  undelivered(delivery: Delivery): void {
    this.undeliveredRelays.push(delivery);
  }
  handOver(token: string, to: string): SessionHandover | undefined {
    this.handOvers.push({ token, to });
    return this.sessions.get(token);
  }
  localState(): LocalState {
    return this.state;
  }
  reset(snapshot: ClusterSnapshot, lost: readonly MemberRecord[]): void {
    this.resets.push({ snapshot, lost });
    this.#eventsAtReset = this.events.length;
  }
  #eventsAtReset = 0;
  /** The names this node knows in `room`, sorted: its last reset, then the events since. */
  namesIn(room: string): string[] {
    const names = new Set(this.resets.at(-1)?.snapshot.rooms.find((snapshot) => snapshot.room === room)?.members.map((member) => member.name));
    for (const event of this.events.slice(this.#eventsAtReset)) {
      if (event.kind === "joined" && event.member.room === room) names.add(event.member.name);
      if (event.kind === "left" && event.room === room) names.delete(event.name);
    }
    return [...names].sort();
  }
  health(up: boolean): void {
    this.healths.push(up);
  }
  kinds(): string[] {
    return this.events.map((event) => event.kind);
  }
}
