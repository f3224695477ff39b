import { fileURLToPath } from "node:url";
import { inject } from "vitest";
// For its ProvidedContext declaration (serverBuildError).
import type {} from "./build-server.js";

/**
 * The path of the built CLI (packages/server/dist/cli.js), which build-server.ts (the
 * integration project's globalSetup) has just built from the current sources. Throws with
 * tsc's output when that build failed, rather than let a test run an older build.
 */
export function builtCli(): string {
  const error = inject("serverBuildError");
  if (error === undefined) throw new Error("no build of packages/server: run this through vitest.config.ts (its globalSetup builds it)");
  if (error !== null) throw new Error(`packages/server did not build, so its CLI cannot be run:\n${error}`);
  return fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
}
