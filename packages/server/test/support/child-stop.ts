import type { ChildProcess } from "node:child_process";

/** A test's server process, and when it exits. */
export interface RunningChild {
  child: ChildProcess;
  exited: Promise<void>;
}

const STOP_TIMEOUT_MS = 5_000;

/** Sends `signal` (SIGKILL after 5 s if it does not exit) and waits for the exit; nothing when it is gone already. */
export async function stopChild(current: RunningChild | null, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  if (!current || current.child.exitCode !== null || current.child.signalCode !== null) return;
  current.child.kill(signal);
  const force = setTimeout(() => current.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await current.exited;
  clearTimeout(force);
}
