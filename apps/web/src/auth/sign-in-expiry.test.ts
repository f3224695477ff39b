import { SignalingError } from "@switchboard/client";
import { describe, expect, it } from "vitest";
import { EXPIRY_WARNING_MS, expiryWarningDelayMs, expiryWarningText, renewalFailureText, runsOutIn } from "./sign-in-expiry.js";

const NOW = 1_000_000;

describe("the notice before a sign-in runs out", () => {
  it("comes a minute before expiry, or at once when less is left", () => {
    expect(EXPIRY_WARNING_MS).toBe(60_000);
    expect(expiryWarningDelayMs(NOW + 10 * 60_000, NOW)).toBe(9 * 60_000);
    expect(expiryWarningDelayMs(NOW + 30_000, NOW)).toBe(0);
    expect(expiryWarningText(NOW + 60_000, NOW)).toBe(
      "Your sign-in runs out in 60 s; the server will then end your session and its calls. To go on, sign in again with a new token.",
    );
  });

  it("says how soon in seconds, then minutes", () => {
    expect(runsOutIn(4_400)).toBe("in 4 s");
    expect(runsOutIn(89_000)).toBe("in 89 s");
    expect(runsOutIn(5 * 60_000)).toBe("in 5 min");
    expect(runsOutIn(-1)).toBe("in 0 s");
  });
});

describe("renewalFailureText", () => {
  const expiresAt = NOW + 4_000;

  it("says why the sign-in service failed, and when the sign-in runs out", () => {
    const failed = SignalingError.client("token-renewal-failed", "Could not get a new sign-in token: Error: it answered 503", undefined, new Error("it answered 503"));
    expect(renewalFailureText(failed, true, expiresAt, NOW)).toBe(
      "Your sign-in could not be renewed (the sign-in service failed: it answered 503). Unless another try works, it runs out in 4 s and your session and calls end.",
    );
  });

  it("tells a refused fresh token (while open) from a refused hello and from other errors", () => {
    const refused = new SignalingError("server", "invalid-token", "invalid-token: It is for another name than this session's.");
    expect(renewalFailureText(refused, true, expiresAt, NOW)).toMatch(/^Your sign-in could not be renewed \(the server refused the new token: invalid-token: It is for another name/);
    expect(renewalFailureText(refused, false, expiresAt, NOW)).toBeNull();
    expect(renewalFailureText(new SignalingError("server", "unknown-target", "gone"), true, expiresAt, NOW)).toBeNull();
  });
});
