const cleanups = new Set<() => void>();
let hooked = false;

/**
 * Runs `cleanup` (synchronous: kill a child, remove a directory) if this test process ends
 * before the test released what it started, say after a failure that skipped its `stop()`, so
 * that no redis-server or server node outlives the run. Returns the function that unregisters it.
 */
export function cleanUpOnExit(cleanup: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const run of cleanups) run();
    });
    // Vitest ends its worker processes with SIGTERM, whose default action skips "exit" hooks.
    process.once("SIGTERM", () => process.exit(128 + 15));
  }
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
