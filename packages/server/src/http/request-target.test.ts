import { describe, expect, it } from "vitest";
import { requestPath } from "./request-target.js";

describe("request targets", () => {
  it.each([
    ["/", "/"],
    ["/healthz?probe=1", "/healthz"],
    ["//", "//"],
    ["//evil.example/x", "//evil.example/x"],
    ["/a/../healthz", "/healthz"],
    ["/%zz", "/%zz"],
    ["http://example.org/ws?x", "/ws"],
    ["HTTPS://example.org", "/"],
    ["ws://example.org/ws", "/ws"],
  ])("reads the path of %j", (target, path) => {
    expect(requestPath(target)).toBe(path);
  });

  it.each(["", undefined, "*", "example.org:443", "healthz", "ftp://example.org/x", "http://[::1/", "http://exa mple.org/"])(
    "refuses %j without throwing",
    (target) => {
      expect(requestPath(target)).toBeUndefined();
    },
  );
});
