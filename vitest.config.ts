import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests import the workspace packages from source, so no build is needed to run them.
const alias = {
  "@switchboard/protocol": source("./packages/protocol/src/index.ts"),
  "@switchboard/client": source("./packages/client/src/index.ts"),
  "@switchboard/server": source("./packages/server/src/index.ts"),
};

// Real Janus and Chromium in a network namespace: browser tests, though they test the server.
const SFU_TESTS = "packages/server/test/sfu-*.test.ts";

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
          // The SFU tests run browsers: with the e2e project, one file at a time.
          exclude: [...configDefaults.exclude, SFU_TESTS],
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
          include: ["e2e/**/*.test.ts", SFU_TESTS],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Each browser test runs several Chromium instances: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
