// Issue 13, point 3: /metrics from prom-client, one registry per server: the counters and gauges
// it always had, the process's own metrics, and histograms of logins, relays and call setup.
import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CALL_REPORTS_BURST } from "../src/telemetry/call-setup.js";
import { RELAY_SAMPLE_EVERY } from "../src/telemetry/relay-latency.js";
import { useServer } from "./support/fixture.js";
import { histogramOf, scrape, valueOf } from "./support/scrape.js";
import { startServer } from "./support/server.js";

const running = useServer();
const metrics = () => scrape(`${running.httpUrl}/metrics`);

/** Every metric /metrics served before prom-client, with its type. */
const EARLIER_METRICS = {
  connections: "gauge",
  users: "gauge",
  detached_sessions: "gauge",
  rooms: "gauge",
  group_call_participants: "gauge",
  messages_received_total: "counter",
  rate_limited_total: "counter",
  frames_too_large_total: "counter",
  connections_refused_origin_total: "counter",
  connections_refused_ip_total: "counter",
  logins_refused_total: "counter",
  slow_consumers_cut_total: "counter",
  rate_limit_abusers_cut_total: "counter",
  heartbeat_timeouts_total: "counter",
  sessions_resumed_total: "counter",
  sessions_expired_total: "counter",
  http_connections: "gauge",
  unfinished_message_bytes: "gauge",
  connections_dropped_total: "counter",
  http_connections_refused_ip_total: "counter",
  http_handler_failures_total: "counter",
  unfinished_messages_cut_total: "counter",
  cluster_store_up: "gauge",
  cluster_store_outages_total: "counter",
  http_client_errors_total: "counter",
  errors_total: "counter",
} as const;

/** What a fresh server reports: 1 for the store being up and for this scrape's own connection, else 0. */
const FRESH: Record<string, number> = { cluster_store_up: 1, http_connections: 1 };

describe("/metrics", () => {
  it("serves every earlier metric with its type, the process's metrics and the histograms", async () => {
    await running.start();
    const scraped = await metrics();
    for (const [name, type] of Object.entries(EARLIER_METRICS)) expect(scraped[`switchboard_${name}`]?.type, name).toBe(type);
    // Those with labels have no series before anything happened.
    for (const name of Object.keys(EARLIER_METRICS).filter((name) => !name.endsWith("errors_total"))) {
      expect(valueOf(scraped, `switchboard_${name}`), name).toBe(FRESH[name] ?? 0);
    }
    for (const name of ["nodejs_eventloop_lag_seconds", "process_resident_memory_bytes", "nodejs_heap_size_used_bytes"]) {
      expect(scraped[name]?.type, name).toBe("gauge");
    }
    // The lag is measured after each scrape, for the next one.
    expect(valueOf(scraped, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(valueOf(scraped, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(scraped.process_cpu_seconds_total?.type).toBe("counter");
    expect(scraped.nodejs_gc_duration_seconds?.type).toBe("histogram");
    for (const name of ["switchboard_login_duration_seconds", "switchboard_relay_latency_seconds"]) {
      expect(scraped[name]?.type, name).toBe("histogram");
      expect(histogramOf(scraped, name).count, name).toBe(0);
    }
    expect(scraped.switchboard_call_setup_seconds?.type).toBe("histogram");
    for (const kind of ["direct", "group"]) expect(histogramOf(scraped, "switchboard_call_setup_seconds", { kind }).count, kind).toBe(0);
  });

  it("counts as before: gauges at scrape time, counters as they happen, errors by code", async () => {
    await running.start();
    const client = await running.legacy("alice");
    client.send("{not json");
    await client.next("error");
    const scraped = await metrics();
    expect(valueOf(scraped, "switchboard_users")).toBe(1);
    expect(valueOf(scraped, "switchboard_connections")).toBe(1);
    expect(valueOf(scraped, "switchboard_rooms")).toBe(1);
    expect(valueOf(scraped, "switchboard_messages_received_total")).toBe(2);
    expect(valueOf(scraped, "switchboard_errors_total", { code: "bad-json" })).toBe(1);
  });

  it("gives each server its own registry, and leaves prom-client's global one empty", async () => {
    await running.start();
    const other = await startServer();
    try {
      await running.legacy("alice");
      expect(valueOf(await metrics(), "switchboard_users")).toBe(1);
      expect(valueOf(await scrape(`${other.httpUrl}/metrics`), "switchboard_users")).toBe(0);
      expect(globalRegistry.getMetricsAsArray()).toEqual([]);
    } finally {
      await other.server.close();
    }
  });

  it("times completed logins", async () => {
    await running.start();
    await running.legacy("alice");
    await running.modern("bob");
    await running.modern("carol", "elsewhere");
    // A refused login is no completed login.
    const refused = await running.connect();
    refused.send({ type: "username", name: "" });
    await refused.next("error");
    const logins = histogramOf(await metrics(), "switchboard_login_duration_seconds");
    expect(logins.count).toBe(3);
    expect(logins.sum).toBeGreaterThan(0);
  });

  it(`times one relayed message in ${RELAY_SAMPLE_EVERY}, up to its write to the recipient's socket`, async () => {
    await running.start({ rateLimitPerSecond: 10_000, rateLimitBurst: 10_000 });
    const alice = await running.modern("alice");
    const bob = await running.modern("bob");
    const relayed = RELAY_SAMPLE_EVERY * 4 + 5;
    for (let n = 1; n <= relayed; n++) alice.send({ type: "note", target: "bob", n });
    await bob.next("note", (m) => m.n === relayed);
    const relays = histogramOf(await metrics(), "switchboard_relay_latency_seconds");
    expect(relays.count).toBe(4);
    expect(relays.sum).toBeGreaterThan(0);
    expect(relays.buckets["1"]).toBe(4);
    // Nothing is written for a recipient whose connection dropped: its session keeps the messages.
    bob.socket.terminate();
    await expect.poll(async () => valueOf(await metrics(), "switchboard_detached_sessions")).toBe(1);
    for (let n = 1; n <= RELAY_SAMPLE_EVERY; n++) alice.send({ type: "note", target: "bob", n, ref: n });
    await alice.next("ack", (m) => m.ref === RELAY_SAMPLE_EVERY);
    expect(histogramOf(await metrics(), "switchboard_relay_latency_seconds").count).toBe(4);
  });

  it("counts each client's call-setup reports (a few a minute), refuses bad ones, and relays none", async () => {
    await running.start();
    const alice = await running.modern("alice");
    const bob = await running.modern("bob");
    expect(alice.all("welcome")[0]!.features).toContain("call-metrics");
    const setups = async (kind: string) => histogramOf(await metrics(), "switchboard_call_setup_seconds", { kind });
    alice.send({ type: "call-metrics", setupMs: 1500, kind: "direct", ref: 1 });
    await alice.next("ack", (m) => m.ref === 1);
    alice.send({ type: "call-metrics", setupMs: 250, kind: "group", ref: 2 });
    await alice.next("ack", (m) => m.ref === 2);
    expect(await setups("direct")).toMatchObject({ count: 1, sum: 1.5, buckets: { "1": 0, "2": 1 } });
    expect(await setups("group")).toMatchObject({ count: 1, sum: 0.25 });

    const bad = [
      { setupMs: -1, kind: "direct" },
      { setupMs: 600_001, kind: "direct" },
      { setupMs: "100", kind: "direct" },
      { kind: "direct" },
      { setupMs: 100, kind: "sfu" },
      { setupMs: 100 },
    ];
    for (const [index, fields] of bad.entries()) {
      alice.send({ type: "call-metrics", ...fields, ref: `bad${index}` });
      expect(await alice.next("error", (m) => m.ref === `bad${index}`), JSON.stringify(fields)).toMatchObject({ code: "invalid-message" });
    }
    expect((await setups("direct")).count).toBe(1);
    // Past its allowance a client's reports are acknowledged, and not counted.
    for (let n = 0; n < CALL_REPORTS_BURST; n++) alice.send({ type: "call-metrics", setupMs: 600_000, kind: "direct", ref: `more${n}` });
    await alice.next("ack", (m) => m.ref === `more${CALL_REPORTS_BURST - 1}`);
    expect((await setups("direct")).count).toBe(CALL_REPORTS_BURST - 1);
    // Another session has an allowance of its own.
    bob.send({ type: "call-metrics", setupMs: 100, kind: "direct", ref: 1 });
    await bob.next("ack", (m) => m.ref === 1);
    expect((await setups("direct")).count).toBe(CALL_REPORTS_BURST);
    await bob.expectNone("call-metrics");
    // Logged in first.
    const stranger = await running.connect();
    stranger.send({ type: "call-metrics", setupMs: 100, kind: "direct" });
    expect(await stranger.next("error")).toMatchObject({ code: "not-logged-in" });
  });
});
