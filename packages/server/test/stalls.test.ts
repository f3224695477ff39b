// Issue 9, point 9: a blink is not a slow consumer; a client cut for stalling can resume.
import { describe, expect, it } from "vitest";
import { TestClient } from "./support/test-client.js";
import { useServer } from "./support/fixture.js";

const running = useServer();

const pause = (client: TestClient) => (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
const unpause = (client: TestClient) => (client.socket as unknown as { _socket: { resume(): void } })._socket.resume();
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${running.httpUrl}/metrics`)).text();
  return Number(new RegExp(`^switchboard_${name} (\\d+)$`, "m").exec(text)?.[1]);
}
/** A legal burst: within the rate limit's burst, each message under the size limit, 12 MB in all. */
function burst(from: TestClient, to: string, count = 200): void {
  const payload = "x".repeat(60 * 1024);
  for (let i = 0; i < count; i++) from.send({ type: "blob", i, payload, target: to });
}

describe("slow consumers", () => {
  it("keeps a client that stalls for 700 ms during a legal burst, and delivers everything", async () => {
    await running.start({ maxQueuedBytes: 64 * 1024, historyMaxBytes: 16 * 1024, hardMaxQueuedBytes: 64 * 1024 * 1024 });
    const blinker = await running.modern("Blinker");
    const sender = await running.modern("Sender");
    pause(blinker);
    burst(sender, "Blinker");
    await sender.expectNone("error");
    await new Promise((resolve) => setTimeout(resolve, 700));
    unpause(blinker);
    await blinker.next("blob", (m) => m.i === 199, 15_000);
    expect(blinker.all("blob").map((m) => m.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(await metric("slow_consumers_cut_total")).toBe(0);
  });

  it("cuts a client that stays stalled past the grace; its modern session resumes with nothing lost", async () => {
    await running.start({
      maxQueuedBytes: 64 * 1024,
      historyMaxBytes: 16 * 1024,
      slowConsumerGraceMs: 300,
      hardMaxQueuedBytes: 64 * 1024 * 1024,
      resumeBufferBytes: 32 * 1024 * 1024,
    });
    const sleeper = await running.modern("Sleeper");
    const sender = await running.modern("Sender");
    const { resumeToken } = sleeper.all("welcome")[0]!;
    pause(sleeper);
    burst(sender, "Sleeper");
    await expect.poll(() => metric("slow_consumers_cut_total"), { timeout: 10_000 }).toBe(1);
    // Still present: the session waits to be resumed.
    expect(await metric("detached_sessions")).toBe(1);
    await sender.expectNone("user-left");
    const received = sleeper.received.length - sleeper.received.findIndex((m) => m.type === "welcome") - 1;
    // As the SDK does: what the old socket still had buffered is not read, so not counted.
    sleeper.socket.removeAllListeners("message");
    sleeper.socket.terminate();
    const again = running.track(await TestClient.connect(running.wsUrl));
    await again.next("id");
    again.send({ type: "hello", protocol: 1, resume: resumeToken, received });
    expect(await again.next("welcome")).toMatchObject({ resumed: true });
    await again.next("blob", (m) => m.i === 199, 15_000);
    const all = [...sleeper.all("blob"), ...again.all("blob")].map((m) => m.i);
    expect(all).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("cuts at once past the hard limit, grace or not", async () => {
    await running.start({ maxQueuedBytes: 64 * 1024, historyMaxBytes: 16 * 1024, slowConsumerGraceMs: 60_000, hardMaxQueuedBytes: 1024 * 1024 });
    const sleeper = await running.modern("Sleeper");
    const sender = await running.modern("Sender");
    pause(sleeper);
    burst(sender, "Sleeper");
    await expect.poll(() => metric("slow_consumers_cut_total"), { timeout: 10_000 }).toBe(1);
  });
});
