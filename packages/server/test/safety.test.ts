// Point 3 of the server issue: the safety the article lacks.
import { beforeEach, describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";

const running = useServer();
const legacy = (name: string) => running.legacy(name);
const modern = (name: string) => running.modern(name);
beforeEach(() => running.start());

describe("sender stamping", () => {
  it("replaces a spoofed name on chat, targeted and untargeted relays", async () => {
    const mallory = await legacy("Mallory");
    const alice = await legacy("Alice");
    mallory.send({ type: "message", text: "I am Alice", name: "Alice" });
    expect((await alice.next("message")).name).toBe("Mallory");
    mallory.send({ type: "message", text: "private", name: "Alice", target: "Alice" });
    expect((await alice.next("message", (m) => m.text === "private")).name).toBe("Mallory");
    mallory.send({ type: "video-offer", name: "Alice", target: "Alice", sdp: { type: "offer", sdp: "" } });
    expect((await alice.next("video-offer")).name).toBe("Mallory");
    mallory.send({ type: "custom", name: "Alice" });
    expect((await alice.next("custom")).name).toBe("Mallory");
  });

  it("stamps a sender that sent no name at all", async () => {
    const alice = await legacy("Alice");
    const bob = await legacy("Bob");
    alice.send({ type: "new-ice-candidate", target: "Bob", candidate: null });
    expect((await bob.next("new-ice-candidate")).name).toBe("Alice");
  });
});

describe("user names", () => {
  it.each([
    ["", "empty"],
    ["x".repeat(33), "too long"],
    ["<b>bob</b>", "markup"],
    ["a\u0000b", "control character"],
    [" lead", "leading space"],
    ["emoji🙂", "emoji"],
    [42, "a number"],
  ])("refuses %j (%s) with bad-name, and the connection can still log in", async (name) => {
    const client = await running.connect();
    await client.next("id");
    client.send({ type: "username", name });
    expect(await client.next("error")).toMatchObject({ code: "bad-name" });
    client.send({ type: "username", name: "Valid" });
    expect((await client.next("userlist")).users).toEqual(["Valid"]);
  });

  it.each(["Ñandú", "李小龙", "Дмитрий", "नमस्ते", "user_1-a.b", "Jean Luc", "x".repeat(32)])(
    "accepts %j",
    async (name) => {
      const client = await legacy(name);
      expect(client.name).toBe(name);
    },
  );

  it("keeps a renamed name within 32 characters", async () => {
    const long = "y".repeat(32);
    await legacy(long);
    const second = await legacy(long);
    expect(second.name).toBe(`${"y".repeat(31)}1`);
  });
});

describe("markup in chat", () => {
  const payloads = [
    "<img src=x onerror=alert(1)//",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "&lt;b&gt; already escaped &amp;",
    "<svg/onload=alert(1)>",
  ];

  it.each(payloads)("reaches an article client as inert text: %s", async (payload) => {
    const sender = await modern("Sender");
    const reader = await legacy("Reader");
    sender.send({ type: "message", text: payload });
    const delivered = (await reader.next("message")).text as string;
    expect(delivered).not.toMatch(/[<>"']/);
    // What the article's client shows after innerHTML parses the text is exactly what was typed.
    const shown = delivered
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">")
      .replaceAll("&quot;", '"')
      .replaceAll("&#39;", "'")
      .replaceAll("&amp;", "&");
    expect(shown).toBe(payload);
  });

  it.each(payloads)("reaches a modern client exactly as typed: %s", async (payload) => {
    const sender = await legacy("Sender");
    const reader = await modern("Reader");
    sender.send({ type: "message", text: payload });
    expect((await reader.next("message")).text).toBe(payload);
    expect((await sender.next("message")).text).not.toContain("<");
  });

  it("escapes private messages to article clients too", async () => {
    const sender = await modern("Sender");
    const reader = await legacy("Reader");
    sender.send({ type: "message", text: "<img src=x onerror=alert(1)//", target: "Reader" });
    expect((await reader.next("message")).text).toBe("&lt;img src=x onerror=alert(1)//");
  });
});

describe("before login", () => {
  it.each([{ type: "message", text: "hi" }, { type: "video-offer", target: "x" }, { type: "whatever" }, { type: "set-status", status: "busy" }])(
    "refuses %j with not-logged-in",
    async (message) => {
      const observer = await legacy("Observer");
      const client = await running.connect();
      await client.next("id");
      client.send(message);
      expect(await client.next("error")).toMatchObject({ code: "not-logged-in" });
      await observer.expectNone(message.type);
    },
  );
});

describe("call messages without a target", () => {
  it("reach only the call partner, never bystanders", async () => {
    const naomi = await legacy("Naomi");
    const priya = await legacy("Priya");
    const bystanders = [await legacy("Sam"), await modern("Kim")];
    naomi.send({ type: "video-offer", target: "Priya", sdp: { type: "offer", sdp: "" } });
    await priya.next("video-offer");

    for (const type of ["new-ice-candidate", "video-answer", "hang-up"]) {
      priya.send({ type, name: "Priya", target: null, sdp: { type: "answer", sdp: "" }, candidate: null });
      expect((await naomi.next(type)).name).toBe("Priya");
    }
    for (const bystander of bystanders) {
      for (const type of ["new-ice-candidate", "video-answer", "hang-up"]) await bystander.expectNone(type);
    }
    await priya.expectNone("hang-up");
  });

  it("ignores an untargeted hang-up from a user in no call, and refuses other call messages", async () => {
    const naomi = await legacy("Naomi");
    const bystander = await legacy("Sam");
    naomi.send({ type: "hang-up", target: null });
    naomi.send({ type: "video-offer", sdp: { type: "offer", sdp: "" } });
    expect(await naomi.next("error")).toMatchObject({ code: "no-call" });
    await bystander.expectNone("hang-up");
    await bystander.expectNone("video-offer");
  });

  it("stop reaching a partner after the call was hung up", async () => {
    const naomi = await legacy("Naomi");
    const priya = await legacy("Priya");
    naomi.send({ type: "video-offer", target: "Priya", sdp: { type: "offer", sdp: "" } });
    await priya.next("video-offer");
    naomi.send({ type: "hang-up", target: "Priya" });
    await priya.next("hang-up");
    naomi.send({ type: "new-ice-candidate", candidate: null });
    expect(await naomi.next("error")).toMatchObject({ code: "no-call" });
  });
});

describe("disconnect mid-call", () => {
  it("sends each call partner a hang-up from the user who left, and drops it from presence", async () => {
    const naomi = await legacy("Naomi");
    const priya = await modern("Priya");
    const bystander = await modern("Sam");
    naomi.send({ type: "video-offer", target: "Priya", sdp: { type: "offer", sdp: "" } });
    await priya.next("video-offer");

    await naomi.close();
    expect(await priya.next("hang-up")).toMatchObject({ name: "Naomi", target: "Priya" });
    expect(await priya.next("user-left")).toMatchObject({ users: ["Naomi"] });
    expect(await bystander.next("user-left")).toMatchObject({ users: ["Naomi"] });
    await bystander.expectNone("hang-up");
  });

  it("hangs up on an article client whose partner closed its connection", async () => {
    const naomi = await modern("Naomi");
    const priya = await legacy("Priya");
    priya.send({ type: "video-offer", target: "Naomi", sdp: { type: "offer", sdp: "" } });
    await naomi.next("video-offer");
    await naomi.close();
    expect(await priya.next("hang-up")).toMatchObject({ name: "Naomi" });
    expect((await priya.next("userlist", (m) => !(m.users as string[]).includes("Naomi"))).users).toEqual(["Priya"]);
  });

  it("hangs up on the partner of a modern user whose connection dropped, once its resume window ends", async () => {
    await running.start({ resumeGraceMs: 300 });
    const naomi = await modern("Naomi");
    const priya = await legacy("Priya");
    priya.send({ type: "video-offer", target: "Naomi", sdp: { type: "offer", sdp: "" } });
    await naomi.next("video-offer");
    const droppedAt = Date.now();
    naomi.socket.terminate();
    expect(await priya.next("hang-up")).toMatchObject({ name: "Naomi", reason: "gone" });
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(250);
  });
});
