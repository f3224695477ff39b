// Point 2 of the server issue: the article's protocol, exactly as its client expects it.
import { beforeEach, describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";

const running = useServer();
const legacy = (name: string) => running.legacy(name);
beforeEach(() => running.start());

describe("the article's protocol", () => {
  it("sends id on connect, logs in with username and sends the user list to everyone", async () => {
    const naomi = await running.connect();
    const { id } = await naomi.next("id");
    expect(typeof id).toBe("string");
    naomi.send({ type: "username", name: "Naomi", id, date: Date.now() });
    expect((await naomi.next("userlist")).users).toEqual(["Naomi"]);

    const priya = await legacy("Priya");
    expect((await naomi.next("userlist")).users).toEqual(["Naomi", "Priya"]);
    expect(priya.all("userlist").at(-1)!.users).toEqual(["Naomi", "Priya"]);
  });

  it("appends a number to a taken name and tells the user with rejectusername", async () => {
    await legacy("Naomi");
    const second = await legacy("Naomi");
    expect(second.all("rejectusername")).toEqual([{ type: "rejectusername", name: "Naomi1" }]);
    expect(second.name).toBe("Naomi1");
    const third = await legacy("Naomi");
    expect(third.name).toBe("Naomi2");
  });

  it("broadcasts chat to everyone, the sender included, with name and date set", async () => {
    const naomi = await legacy("Naomi");
    const priya = await legacy("Priya");
    naomi.send({ type: "message", text: "hello all", id: "x", date: 1234 });
    for (const client of [naomi, priya]) {
      expect(await client.next("message")).toMatchObject({ type: "message", text: "hello all", name: "Naomi", date: 1234 });
    }
    priya.send({ type: "message", text: "no date" });
    const delivered = await naomi.next("message");
    expect(delivered.name).toBe("Priya");
    expect(typeof delivered.date).toBe("number");
  });

  it("delivers a message with a target to that user only", async () => {
    const naomi = await legacy("Naomi");
    const priya = await legacy("Priya");
    const bystander = await legacy("Sam");
    naomi.send({ type: "message", text: "psst", target: "Priya" });
    expect(await priya.next("message")).toMatchObject({ text: "psst", name: "Naomi", target: "Priya" });
    await bystander.expectNone("message");
    await naomi.expectNone("message");
  });

  it("passes unknown types through untouched apart from the stamped sender", async () => {
    const naomi = await legacy("Naomi");
    const priya = await legacy("Priya");
    const payload = { type: "whiteboard-stroke", target: "Priya", points: [[1, 2], [3.5, -4]], meta: { color: "#f00", n: null } };
    naomi.send(payload);
    expect(await priya.next("whiteboard-stroke")).toEqual({ ...payload, name: "Naomi", from: "Naomi" });

    // Untargeted unknown types go to everyone, as in the article.
    naomi.send({ type: "emoji-rain", emoji: "🎉" });
    for (const client of [naomi, priya]) {
      expect(await client.next("emoji-rain")).toEqual({ type: "emoji-rain", emoji: "🎉", name: "Naomi", from: "Naomi" });
    }
  });

  it("carries a whole article-style call: offer, answer, candidates, hang-up", async () => {
    const naomi = await legacy("Naomi");
    const priya = await legacy("Priya");
    const sdp = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
    naomi.send({ name: "Naomi", target: "Priya", type: "video-offer", sdp });
    expect(await priya.next("video-offer")).toEqual({ name: "Naomi", from: "Naomi", target: "Priya", type: "video-offer", sdp });

    // The callee answers the user named in the offer's `name`, as the article's client does.
    const offer = priya.all("video-offer")[0]!;
    priya.send({ name: "Priya", target: offer.name, type: "video-answer", sdp: { type: "answer", sdp: "v=0\r\n" } });
    expect((await naomi.next("video-answer")).name).toBe("Priya");

    const candidate = { candidate: "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    naomi.send({ type: "new-ice-candidate", target: "Priya", candidate });
    expect((await priya.next("new-ice-candidate")).candidate).toEqual(candidate);

    // The article's client clears its target before sending hang-up.
    naomi.send({ name: "Naomi", target: null, type: "hang-up" });
    expect(await priya.next("hang-up")).toMatchObject({ name: "Naomi", type: "hang-up" });
  });

  it("removes a user from the list at once when it disconnects", async () => {
    const naomi = await legacy("Naomi");
    const priya = await legacy("Priya");
    await priya.close();
    expect((await naomi.next("userlist", (m) => !(m.users as string[]).includes("Priya"))).users).toEqual(["Naomi"]);
  });
});
