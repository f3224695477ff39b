/**
 * N modern clients log in at once (at most `concurrency` handshakes in flight), into one room
 * (the lobby) or spread over R rooms (`hello.room`; user i goes to room i mod R). Each client
 * applies the `userlist` snapshot and the `user-joined`/`user-left` deltas to its own view of
 * presence; the storm is over when every view holds all the members of its client's room.
 * Names are distinct across rooms, so a view that ever shows a member of another room is caught
 * (a leak), as is a `welcome` that names another room. Reports the time to convergence and the
 * bytes the server sent to all clients (WebSocket payload bytes) until then.
 */
import { closeAll, connectMany, type ClientAdapter, type Message } from "../clients/index.js";
import { logIn, switchboardAdapter } from "../clients/switchboard.js";
import { names, startCpuWindow, type CpuUse, type LoadTarget } from "./common.js";

export interface StormRun {
  users: number;
  /** 1: everyone in the lobby (no `hello.room`). */
  rooms: number;
  /** Every view held all of its room's members. */
  converged: boolean;
  ms: number;
  bytes: number;
  frames: number;
  cpu: CpuUse;
  /** Times a view was given a member of another room (0 when rooms are isolated). */
  leaks: number;
  /** Clients whose `welcome` did not name the room they asked for. */
  wrongRoom: number;
}

/** A storm run's views were exact: converged, nobody saw another room, every welcome named its room. */
export const isExact = (run: StormRun) => run.converged && run.leaks === 0 && run.wrongRoom === 0;

export const roomName = (index: number) => `room-${index}`;

/**
 * Runs one storm against a fresh Switchboard, or a fresh cluster (user i on node i mod N), and
 * stops it at the end.
 */
export async function runJoinStorm(server: LoadTarget & { stop(): Promise<void> }, users: number, concurrency: number, timeoutMs: number, rooms = 1): Promise<StormRun> {
  const userNames = names(users);
  const tag = userNames[0]!.slice(0, -1);
  const roomOf = (user: number) => user % rooms;
  const roomSize = (room: number) => Math.floor(users / rooms) + (room < users % rooms ? 1 : 0);
  // Presence views as bitmaps over user indexes: N views of N users without N² strings.
  const views = Array.from({ length: users }, () => new Uint8Array(users));
  /** Per view, how many members of its own room it holds, and of other rooms. */
  const own = new Int32Array(users);
  const foreign = new Int32Array(users);
  let convergedViews = 0;
  let bytes = 0;
  let frames = 0;
  let leaks = 0;
  let wrongRoom = 0;
  let resolveDone!: (result: { ms: number; bytes: number; frames: number }) => void;
  const done = new Promise<{ ms: number; bytes: number; frames: number }>((resolve) => (resolveDone = resolve));

  const setMember = (view: number, name: unknown, present: 0 | 1) => {
    const index = typeof name === "string" && name.startsWith(tag) ? Number(name.slice(tag.length)) : -1;
    if (!(index >= 0 && index < users) || views[view]![index] === present) return;
    views[view]![index] = present;
    const delta = present ? 1 : -1;
    if (roomOf(index) === roomOf(view)) own[view]! += delta;
    else {
      foreign[view]! += delta;
      if (present) leaks++;
    }
  };
  const apply = (view: number, message: Message) => {
    const wanted = roomSize(roomOf(view));
    const wasComplete = own[view] === wanted;
    if (message.type === "userlist") {
      views[view]!.fill(0);
      own[view] = 0;
      foreign[view] = 0;
    }
    if (message.type === "userlist" || message.type === "user-joined" || message.type === "user-left") {
      const present = message.type === "user-left" ? 0 : 1;
      for (const name of message.users as unknown[]) setMember(view, name, present);
    }
    const complete = own[view] === wanted;
    if (complete !== wasComplete) convergedViews += complete ? 1 : -1;
    if (convergedViews === users) resolveDone({ ms: performance.now() - start, bytes, frames });
  };

  const adapter: ClientAdapter =
    rooms === 1
      ? switchboardAdapter
      : {
          ...switchboardAdapter,
          async connect(baseUrl, name) {
            const room = roomName(roomOf(Number(name.slice(tag.length))));
            const { connection, welcomeRoom } = await logIn(baseUrl, name, room);
            if (welcomeRoom !== room) wrongRoom++;
            return connection;
          },
        };

  const endCpu = await startCpuWindow(server);
  const start = performance.now();
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref());
  // Every frame, from `id` on, reaches the handler (frames of the login are replayed to it).
  const connecting = connectMany(adapter, server.urlOf, userNames, concurrency, (index) => (data) => {
    bytes += data.length;
    frames++;
    apply(index, JSON.parse(data.toString()) as Message);
  });
  const result = await Promise.race([done, timeout]);
  const cpu = await endCpu();
  await server.stop();
  await closeAll(await connecting.catch(() => []));
  return result
    ? { users, rooms, converged: true, ...result, cpu, leaks, wrongRoom }
    : { users, rooms, converged: false, ms: Number.NaN, bytes, frames, cpu, leaks, wrongRoom };
}
