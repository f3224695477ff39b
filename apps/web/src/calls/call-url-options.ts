import { urlFlag } from "../url-flags.js";

// How calls behave, chosen in the page URL.

/**
 * Relay-only calls: `?relay=1` in the page URL makes every call use TURN relays only
 * (`iceTransportPolicy: "relay"`). For checking that a TURN setup really relays, and for
 * networks where only a relay gets through. See docs/turn.md.
 */
export function relayOnlyRequested(search?: string): boolean {
  return urlFlag("relay", false, search);
}

/**
 * `?connect-while-ringing=0` connects a 1:1 call only once it is accepted, so a caller learns
 * nothing of our network (ICE candidates) before we answer; the default connects while it
 * rings, so the call starts faster (see CallManagerOptions.connectWhileRinging).
 */
export function connectWhileRingingRequested(search?: string): boolean {
  return urlFlag("connect-while-ringing", true, search);
}

/** What a relay-only call that cannot connect tells the user, instead of a generic failure. */
export const RELAY_FAILURE_MESSAGE = "The relay (TURN) server could not be reached or refused our credentials.";
