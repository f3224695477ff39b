/**
 * N modern clients log in at once (at most `concurrency` handshakes in flight). Each applies the
 * `userlist` snapshot and the `user-joined`/`user-left` deltas to its own view of presence; the
 * storm is over when every view holds all N users. Reports that time and the bytes the server
 * sent to all clients (WebSocket payload bytes) until then.
 */
import { ADAPTERS, closeAll, connectMany, type Message } from "../clients/index.js";
import type { RunningServer } from "../servers.js";
import { names, startCpuWindow, type CpuUse } from "./common.js";

export interface StormRun {
  users: number;
  converged: boolean;
  ms: number;
  bytes: number;
  frames: number;
  cpu: CpuUse;
}

/** Runs one storm against a fresh Switchboard, and stops that server at the end. */
export async function runJoinStorm(server: RunningServer, users: number, concurrency: number, timeoutMs: number): Promise<StormRun> {
  const userNames = names(users);
  const tag = userNames[0]!.slice(0, -1);
  // Presence views as bitmaps over user indexes: N views of N users without N² strings.
  const views = Array.from({ length: users }, () => new Uint8Array(users));
  const sizes = new Int32Array(users);
  let convergedViews = 0;
  let bytes = 0;
  let frames = 0;
  let resolveDone!: (result: { ms: number; bytes: number; frames: number }) => void;
  const done = new Promise<{ ms: number; bytes: number; frames: number }>((resolve) => (resolveDone = resolve));

  const setMember = (view: number, name: unknown, present: 0 | 1) => {
    const index = typeof name === "string" && name.startsWith(tag) ? Number(name.slice(tag.length)) : -1;
    if (!(index >= 0 && index < users) || views[view]![index] === present) return;
    views[view]![index] = present;
    sizes[view]! += present ? 1 : -1;
  };
  const apply = (view: number, message: Message) => {
    const wasComplete = sizes[view] === users;
    if (message.type === "userlist") {
      views[view]!.fill(0);
      sizes[view] = 0;
    }
    if (message.type === "userlist" || message.type === "user-joined" || message.type === "user-left") {
      const present = message.type === "user-left" ? 0 : 1;
      for (const name of message.users as unknown[]) setMember(view, name, present);
    }
    const complete = sizes[view] === users;
    if (complete !== wasComplete) convergedViews += complete ? 1 : -1;
    if (convergedViews === users) resolveDone({ ms: performance.now() - start, bytes, frames });
  };

  const endCpu = await startCpuWindow(server);
  const start = performance.now();
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref());
  // Every frame, from `id` on, reaches the handler (frames of the login are replayed to it).
  const connecting = connectMany(ADAPTERS.switchboard, server.url, userNames, concurrency, (index) => (data) => {
    bytes += data.length;
    frames++;
    apply(index, JSON.parse(data.toString()) as Message);
  });
  const result = await Promise.race([done, timeout]);
  const cpu = await endCpu();
  await server.stop();
  await closeAll(await connecting.catch(() => []));
  return result
    ? { users, converged: true, ...result, cpu }
    : { users, converged: false, ms: Number.NaN, bytes, frames, cpu };
}
