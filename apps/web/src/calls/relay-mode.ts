/**
 * Relay-only calls: `?relay=1` in the page URL makes every call use TURN relays only
 * (`iceTransportPolicy: "relay"`). For checking that a TURN setup really relays, and for
 * networks where only a relay gets through. See docs/turn.md.
 */
export function relayOnlyRequested(search: string = globalThis.location?.search ?? ""): boolean {
  const value = new URLSearchParams(search).get("relay");
  return value === "1" || value === "true";
}

/** What a relay-only call that cannot connect tells the user, instead of a generic failure. */
export const RELAY_FAILURE_MESSAGE = "The relay (TURN) server could not be reached or refused our credentials.";
