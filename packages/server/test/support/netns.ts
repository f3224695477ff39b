import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { randomInt } from "node:crypto";
import { promisify } from "node:util";
import { cleanUpOnExit } from "./exit-cleanup.js";

const run = promisify(execFile);

/**
 * A network namespace of the test's own, joined to this one by a veth pair: `hostAddress` is
 * this side's end, `address` the namespace's. Janus gathers no ICE candidates on a loopback
 * interface, so Janus and the browsers that send it media run in here (`spawn`) and reach each
 * other on `address`; this process (the Switchboard server, the test) reaches them over the veth.
 * Needs root (CAP_NET_ADMIN) and iproute2.
 */
export interface TestNetns {
  readonly name: string;
  /** This side's end of the veth pair: where processes in the namespace reach this process. */
  readonly hostAddress: string;
  /** The namespace's own address (on its end of the veth pair, not loopback). */
  readonly address: string;
  /** The namespace's end of the veth pair, e.g. for Janus's `ice_enforce_list`. */
  readonly interfaceName: string;
  /** Starts `command` inside the namespace. */
  spawn(command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Deletes the namespace (and with it the veth pair); idempotent. */
  close(): Promise<void>;
}

/** Creates a namespace with a /30 of 10.200.0.0/16 no interface here uses yet. */
export async function createTestNetns(): Promise<TestNetns> {
  const id = `${process.pid % 10_000}x${randomInt(1_000)}`;
  const name = `sb-${id}`;
  const hostSide = `sbh${id}`;
  const nsSide = `sbn${id}`;
  const [hostAddress, address] = await freeSubnet();
  const ip = (...args: string[]) => run("ip", args);
  await ip("netns", "add", name);
  const forget = cleanUpOnExit(() => deleteNetns(name));
  try {
    await ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
    await ip("link", "set", nsSide, "netns", name);
    await ip("addr", "add", `${hostAddress}/30`, "dev", hostSide);
    await ip("link", "set", hostSide, "up");
    await ip("netns", "exec", name, "ip", "addr", "add", `${address}/30`, "dev", nsSide);
    await ip("netns", "exec", name, "ip", "link", "set", nsSide, "up");
    await ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
  } catch (error) {
    forget();
    deleteNetns(name);
    throw error;
  }
  let closed = false;
  return {
    name,
    hostAddress,
    address,
    interfaceName: nsSide,
    spawn: (command, args, options = {}) => spawn("ip", ["netns", "exec", name, command, ...args], options),
    async close() {
      if (closed) return;
      closed = true;
      forget();
      deleteNetns(name);
    },
  };
}

function deleteNetns(name: string): void {
  try {
    execFileSync("ip", ["netns", "del", name], { stdio: "ignore" });
  } catch {
    // Already gone.
  }
}

async function freeSubnet(): Promise<[string, string]> {
  const { stdout } = await run("ip", ["-o", "-4", "addr", "show"]);
  for (;;) {
    const base = randomInt(1, 16_000) * 4;
    const prefix = `10.200.${base >> 8}.`;
    const host = `${prefix}${(base & 255) + 1}`;
    const ns = `${prefix}${(base & 255) + 2}`;
    if (!stdout.includes(` ${host}/`) && !stdout.includes(` ${ns}/`)) return [host, ns];
  }
}
