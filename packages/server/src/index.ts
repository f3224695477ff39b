export { createServer, type ServerObservers, type SwitchboardServer } from "./server.js";
export { loadConfig, resolveConfig, ConfigError, type Config, type ConfigInput } from "./config.js";
