/// <reference types="node" />
// The token endpoint's answers, parsed; and fetched from a real HTTP server on 127.0.0.1 (this test runs
// in Node, hence the reference to its types).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchFreshToken, sameOriginUrl, tokenFromBody } from "./fresh-token.js";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJl";

describe("tokenFromBody", () => {
  it("takes the body itself, or the token of a JSON body (spaces and a newline around are fine)", () => {
    expect(tokenFromBody(TOKEN)).toBe(TOKEN);
    expect(tokenFromBody(`${TOKEN}\n`)).toBe(TOKEN);
    expect(tokenFromBody(JSON.stringify({ token: TOKEN, expiresIn: 600 }))).toBe(TOKEN);
    expect(tokenFromBody(` {"token": " ${TOKEN} "} `)).toBe(TOKEN);
  });

  it("refuses anything else, saying why", () => {
    expect(() => tokenFromBody("")).toThrow("its answer is not a token");
    expect(() => tokenFromBody("<!doctype html><title>Sign in</title>")).toThrow("its answer is not a token");
    expect(() => tokenFromBody(`${TOKEN} ${TOKEN}`)).toThrow("its answer is not a token");
    expect(() => tokenFromBody("{not json")).toThrow("its answer is not valid JSON");
    expect(() => tokenFromBody('{"access_token": "a.b.c"}')).toThrow("its JSON answer has no token");
    expect(() => tokenFromBody('{"token": 42}')).toThrow("its JSON answer has no token");
    expect(() => tokenFromBody('{"token": "not a jwt"}')).toThrow("its answer is not a token");
  });
});

describe("sameOriginUrl", () => {
  const origin = "https://chat.example";
  it("resolves a path of the origin, and nothing that leaves it", () => {
    expect(sameOriginUrl("/auth/token", origin)).toBe("https://chat.example/auth/token");
    expect(sameOriginUrl("/auth/token?for=app", origin)).toBe("https://chat.example/auth/token?for=app");
    expect(sameOriginUrl(undefined, origin)).toBeNull();
    expect(sameOriginUrl("//idp.example/token", origin)).toBeNull();
    expect(sameOriginUrl("https://idp.example/token", origin)).toBeNull();
  });
});

describe("fetchFreshToken (a real HTTP server)", () => {
  /** What the server answers, by path; a path it does not know is never answered. */
  const answers: Record<string, { status: number; type: string; body: string }> = {
    "/text": { status: 200, type: "text/plain", body: `${TOKEN}\n` },
    "/json": { status: 200, type: "application/json", body: JSON.stringify({ token: TOKEN }) },
    "/signed-out": { status: 401, type: "text/plain", body: "sign in first" },
    "/login-page": { status: 200, type: "text/html", body: "<!doctype html><form>Sign in</form>" },
  };
  const seen: IncomingHttpHeaders[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.headers);
      const answer = answers[request.url ?? ""];
      if (answer) response.writeHead(answer.status, { "content-type": answer.type }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("gets the token from a text or a JSON answer, never from a cache", async () => {
    expect(await fetchFreshToken(`${base}/text`)).toBe(TOKEN);
    expect(await fetchFreshToken(`${base}/json`)).toBe(TOKEN);
    expect(seen.at(-1)).toMatchObject({ "cache-control": "no-cache", accept: "application/json, text/plain" });
  });

  it("rejects, in words for a notice, an error status, a page that is no token, and silence", async () => {
    await expect(fetchFreshToken(`${base}/signed-out`)).rejects.toThrow("it answered 401");
    await expect(fetchFreshToken(`${base}/login-page`)).rejects.toThrow("its answer is not a token");
    await expect(fetchFreshToken(`${base}/silent`, 200)).rejects.toThrow("it did not answer within 0.2 s");
    await expect(fetchFreshToken("http://127.0.0.1:1/auth/token")).rejects.toThrow("it could not be reached");
  });
});
