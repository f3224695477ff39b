// Issue 9, point 1: a bug in one handler is logged and answered 500, never an uncaught exception.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Metrics } from "../src/metrics.js";
import { guardRequests, guardUpgrades } from "../src/http/guard.js";
import { rawExchange, upgradeRequest } from "./support/raw-http.js";

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A logger whose lines the test can read. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, errors: () => lines.filter((line) => line.level >= 50).map((line) => line.msg) };
}

async function serve(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("guarded handlers", () => {
  it.each([
    ["throws", () => {
      throw new Error("bug");
    }],
    ["rejects", async () => {
      throw new Error("async bug");
    }],
  ])("answer 500 and log when a request handler %s, and the server serves on", async (_, failing) => {
    const { logger, errors } = capturingLogger();
    const metrics = new Metrics();
    let calls = 0;
    const port = await serve(
      createServer(
        guardRequests((_request, response) => (calls++ === 0 ? failing() : void response.end("fine")), logger, metrics),
      ),
    );
    const failed = await fetch(`http://127.0.0.1:${port}/`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: "internal error" });
    expect(errors()).toEqual(["request handler failed"]);
    expect(metrics.httpHandlerFailures).toBe(1);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("fine");
  });

  it("ends a response already under way when its handler fails midway", async () => {
    const { logger } = capturingLogger();
    const port = await serve(
      createServer(
        guardRequests(async (_request, response) => {
          response.writeHead(200, { "content-length": "100" });
          response.write("partial");
          throw new Error("midway");
        }, logger, new Metrics()),
      ),
    );
    await expect(fetch(`http://127.0.0.1:${port}/`).then((response) => response.text())).rejects.toThrow();
  });

  it("answer 500 when an upgrade handler throws", async () => {
    const { logger, errors } = capturingLogger();
    const server = createServer();
    server.on("upgrade", guardUpgrades(() => {
      throw new Error("upgrade bug");
    }, logger, new Metrics()));
    const port = await serve(server);
    expect((await rawExchange(port, upgradeRequest())).status).toBe(500);
    expect(errors()).toEqual(["upgrade handler failed"]);
  });
});
