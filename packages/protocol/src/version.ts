/** Version of the modern protocol negotiated by `hello`. Bump on incompatible change. */
export const PROTOCOL_VERSION = 1;

/** The WebSocket subprotocol the article's client insists on; the server selects it when offered. */
export const WEBSOCKET_SUBPROTOCOL = "json";

/** Paths on which the server accepts WebSocket upgrades. */
export const WEBSOCKET_PATHS = ["/", "/ws"] as const;
