// Vitest globalSetup of the integration project. A few tests run the real `switchboard`
// process, packages/server/dist/cli.js (see cli-process.ts), so it is built here, once, before
// any test file starts: run alone on a fresh clone they would otherwise spawn a missing or
// stale build, and one build per file would have concurrent `tsc -b` runs writing the same files.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

const root = fileURLToPath(new URL("../../../..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

declare module "vitest" {
  export interface ProvidedContext {
    /** Why packages/server did not build (tsc's output), or null when it did. */
    serverBuildError: string | null;
  }
}

export default async function buildServer(project: TestProject): Promise<void> {
  try {
    // Incremental: quick when nothing changed.
    await promisify(execFile)(process.execPath, [tsc, "-b", "packages/protocol", "packages/server"], { cwd: root });
    project.provide("serverBuildError", null);
  } catch (error) {
    // Only the tests that spawn the build fail (with this output); the others run from source.
    const { stdout = "", stderr = "", message } = error as { stdout?: string; stderr?: string; message: string };
    project.provide("serverBuildError", `${stdout}${stderr}` || message);
  }
}
