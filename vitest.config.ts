import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the workspace packages from source, so no build is needed to run them.
const alias = {
  "@switchboard/protocol": source("./packages/protocol/src/index.ts"),
  "@switchboard/client": source("./packages/client/src/index.ts"),
  "@switchboard/server": source("./packages/server/src/index.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["packages/*/src/**/*.test.ts", "apps/web/src/**/*.test.ts"] },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.test.ts"],
          testTimeout: 20_000,
          // Builds packages/server once for the tests that run its CLI process.
          globalSetup: ["packages/server/test/support/build-server.ts"],
          // The fuzz test checks that memory returns to its baseline after a forced collection.
          execArgv: ["--expose-gc"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each browser test runs several Chromium instances: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
