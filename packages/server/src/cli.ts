#!/usr/bin/env node
import { ConfigError, configHelp, loadConfig } from "./config.js";
import { createServer } from "./server.js";
import { tokenCommand } from "./token-cli.js";

const argv = process.argv.slice(2);
if (argv[0] === "token") process.exit(await tokenCommand(argv.slice(1)));
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(`Usage: switchboard [options]\n\nEvery option can also be set by its environment variable.\n${configHelp()}`);
  process.exit(0);
}

let config;
try {
  config = loadConfig(process.env, argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

const server = createServer(config);
// Before listening: a signal right after the "listening" line must drain, not kill.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.logger.info({ signal }, "shutting down");
    server.close().then(() => process.exit(0));
  });
}
try {
  await server.listen();
} catch (error) {
  server.logger.fatal({ err: error }, "could not listen");
  process.exit(1);
}
