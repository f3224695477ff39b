export * from "./version.js";
export * from "./errors.js";
export * from "./names.js";
export * from "./messages.js";
export * from "./relayed.js";
export * from "./file-transfer.js";
