// Issue 9, point 7: names that look alike cannot coexist. Each look-alike of a name online is
// refused (bad-name) or renamed by the article's rule, and the number the server picks is
// itself unlike every name online.
import { beforeEach, describe, expect, it } from "vitest";
import { useServer } from "./support/fixture.js";
import type { TestClient } from "./support/test-client.js";

const running = useServer();
beforeEach(() => running.start());

type Outcome = { refused: string } | { name: string };

/** Logs a fresh article client in as `requested`: the name it got, or the error code. */
async function logIn(requested: string): Promise<{ client: TestClient; outcome: Outcome }> {
  const client = await running.connect();
  const { id } = await client.next("id");
  client.send({ type: "username", name: requested, id, date: Date.now() });
  const answer = await firstOf(client, (m) => m.type === "error" || m.type === "userlist");
  if (answer.type === "error") return { client, outcome: { refused: answer.code as string } };
  const renamed = client.all("rejectusername")[0];
  return { client, outcome: { name: renamed ? (renamed.name as string) : requested } };
}

/** The first message, of any type, that satisfies `match`. */
async function firstOf(client: TestClient, match: (m: TestClient["received"][number]) => boolean) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = client.received.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no answer; got ${JSON.stringify(client.received)}`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 100);
      client.socket.once("message", () => resolve(clearTimeout(timer)));
    });
  }
}

/** Who is online now, as the first user sees it (after everything sent so far). */
async function roster(observer: TestClient): Promise<string[]> {
  await observer.expectNone("never-sent");
  return observer.all("userlist").at(-1)!.users as string[];
}

describe("look-alikes of a name online", () => {
  it.each([
    ["alice", "\u0430lice", "Cyrillic а", { refused: "bad-name" }],
    ["alice", "ali\u0441e", "Cyrillic с", { refused: "bad-name" }],
    ["alice", "\u0391LICE", "Greek Α", { refused: "bad-name" }],
    ["alice", "alice\u034f", "U+034F after it", { refused: "bad-name" }],
    ["alice", "ali\u200bce", "U+200B inside", { refused: "bad-name" }],
    ["alice", "alice\u2060", "U+2060 after it", { refused: "bad-name" }],
    ["alice", "\ufeffalice", "U+FEFF before it", { refused: "bad-name" }],
    ["alice", "ali\u00adce", "a soft hyphen inside", { refused: "bad-name" }],
    ["alice", "alice\ufe0f", "a variation selector after it", { refused: "bad-name" }],
    ["alice", "ali\u3164ce", "a Hangul filler inside", { refused: "bad-name" }],
    ["alice", "ALICE", "capitals", { name: "ALICE1" }],
    ["alice", "Alice", "a capital", { name: "Alice1" }],
    ["alice", "ａｌｉｃｅ", "fullwidth", { name: "ａｌｉｃｅ1" }],
    ["alice", "𝐚𝐥𝐢𝐜𝐞", "mathematical bold", { name: "𝐚𝐥𝐢𝐜𝐞1" }],
    ["alice1", "alice𝟏", "a mathematical digit", { name: "alice𝟏𝟏" }],
    ["alice1", "alicel", "l for 1", { name: "alicel1" }],
    ["bob", "ВОВ", "whole-script Cyrillic capitals", { name: "ВОВ1" }],
    ["ape", "аре", "whole-script Cyrillic", { name: "аре1" }],
    ["Straße", "STRASSE", "case folding", { name: "STRASSE1" }],
  ])("with %j online, %j (%s) gets %j", async (first, requested, _, expected) => {
    const { client: observer } = await logIn(first);
    const { outcome } = await logIn(requested);
    expect(outcome).toEqual(expected);
    const users = await roster(observer);
    expect(users).not.toContain(requested);
    expect(users).toEqual("name" in expected ? [first, expected.name] : [first]);
  });

  it.each([
    ["\u3164", "a Hangul filler"],
    ["\u115f\u1160", "Hangul choseong and jungseong fillers"],
    ["\uffa0\uffa0", "halfwidth Hangul fillers"],
  ])("refuses a name of %j (%s) as blank", async (requested) => {
    const { outcome } = await logIn(requested);
    expect(outcome).toEqual({ refused: "bad-name" });
  });

  it("never numbers a name into a look-alike of another user", async () => {
    const { client: observer } = await logIn("alice");
    expect((await logIn("alicel")).outcome).toEqual({ name: "alicel" });
    // ALICE1 would look like alicel: the server skips to 2.
    expect((await logIn("ALICE")).outcome).toEqual({ name: "ALICE2" });
    // alice𝟏 looks like alicel (𝟏 is 1, and 1 looks like l); its number keeps its digits.
    expect((await logIn("alice𝟏")).outcome).toEqual({ name: "alice𝟏𝟏" });
    expect(await roster(observer)).toEqual(["alice", "alicel", "ALICE2", "alice𝟏𝟏"]);
  });

  it("frees a name's look-alikes when its user leaves", async () => {
    const { client: alice } = await logIn("alice");
    const { client: observer } = await logIn("bob");
    await alice.close();
    await observer.next("userlist", (m) => !(m.users as string[]).includes("alice"));
    expect((await logIn("ALICE")).outcome).toEqual({ name: "ALICE" });
  });

  it("keeps single-script names of other scripts, and routes by the exact name", async () => {
    const { client: observer } = await logIn("Дмитрий");
    for (const name of ["王小明", "さくら", "田中さくら", "김민준"]) expect((await logIn(name)).outcome).toEqual({ name });
    observer.send({ type: "message", text: "hi", target: "田中さくら" });
    // A look-alike of an online name is no way to reach it: targets match names exactly.
    observer.send({ type: "message", text: "hi", target: "дмитрий" });
    expect(await observer.next("error")).toMatchObject({ code: "unknown-target" });
  });
});
