import { describe, expect, it } from "vitest";
import {
  FileOfferMessage,
  FileReceiverMessage,
  FileSenderMessage,
  MAX_FILE_BYTES,
  MAX_FILE_NAME_LENGTH,
  safeFileName,
  safeMimeType,
} from "./file-transfer.js";

const offer = { type: "file-offer", id: "3f2a-b_9", name: "report.pdf", size: 20_000_000, mime: "application/pdf" };
const valid = (value: unknown) => FileOfferMessage.safeParse(value).success;

describe("file offers", () => {
  it("take a well-formed offer, an empty file and an unknown type", () => {
    expect(valid(offer)).toBe(true);
    expect(valid({ ...offer, size: 0, mime: "" })).toBe(true);
    expect(valid({ ...offer, size: MAX_FILE_BYTES })).toBe(true);
    expect(valid({ ...offer, name: "Été 2024 — 写真.jpg" })).toBe(true);
  });

  it("refuse sizes that are negative, fractional, past the cap or not numbers", () => {
    for (const size of [-1, 1.5, MAX_FILE_BYTES + 1, "10", Number.NaN, Infinity, null]) expect(valid({ ...offer, size })).toBe(false);
  });

  it("refuse names that are empty, too long, or hold path separators or control characters", () => {
    for (const name of ["", "x".repeat(MAX_FILE_NAME_LENGTH + 1), "../../etc/passwd", "a\\b", "evil\u0000.exe", "line\nbreak", "evil\u202Etxt.exe", "c1\u0085", "para\u2029", 5]) {
      expect(valid({ ...offer, name }), JSON.stringify(name)).toBe(false);
    }
    expect(valid({ ...offer, name: "x".repeat(MAX_FILE_NAME_LENGTH) })).toBe(true);
  });

  it("refuse odd ids and MIME types", () => {
    for (const id of ["", "x".repeat(65), "a b", "<id>", 7]) expect(valid({ ...offer, id })).toBe(false);
    for (const mime of ["text", "text/html; charset=utf-8", "TEXT/HTML", "a/b/c", "x".repeat(70) + "/y"]) expect(valid({ ...offer, mime })).toBe(false);
  });
});

describe("messages after the offer", () => {
  it("each side takes only what the other side may say", () => {
    const done = { type: "file-done", sha256: "a".repeat(64) };
    expect(FileSenderMessage.safeParse(done).success).toBe(true);
    expect(FileReceiverMessage.safeParse(done).success).toBe(false);
    expect(FileSenderMessage.safeParse({ type: "file-accept" }).success).toBe(false);
    expect(FileReceiverMessage.safeParse({ type: "file-accept" }).success).toBe(true);
    expect(FileReceiverMessage.safeParse({ type: "file-verified" }).success).toBe(true);
    for (const message of [{ type: "file-cancel" }, { type: "file-failed", reason: "disk full" }]) {
      expect(FileSenderMessage.safeParse(message).success).toBe(true);
      expect(FileReceiverMessage.safeParse(message).success).toBe(true);
    }
  });

  it("refuse a digest that is not 64 lowercase hex digits, an unknown decline reason, a long failure", () => {
    for (const sha256 of ["A".repeat(64), "a".repeat(63), "g".repeat(64), 1]) expect(FileSenderMessage.safeParse({ type: "file-done", sha256 }).success).toBe(false);
    expect(FileReceiverMessage.safeParse({ type: "file-decline", reason: "because" }).success).toBe(false);
    expect(FileReceiverMessage.safeParse({ type: "file-decline", reason: "too-large" }).success).toBe(true);
    expect(FileReceiverMessage.safeParse({ type: "file-failed", reason: "x".repeat(201) }).success).toBe(false);
  });
});

describe("safeFileName and safeMimeType", () => {
  it("make a local name one the protocol takes", () => {
    expect(safeFileName("a/b\\c\u0007.txt")).toBe("a_b_c_.txt");
    expect(safeFileName("evil\u202Etxt.exe")).toBe("evil_txt.exe");
    expect(safeFileName("Été 2024 — 写真.jpg")).toBe("Été 2024 — 写真.jpg");
    expect(safeFileName("   ")).toBe("file");
    const long = safeFileName(`${"é".repeat(300)}.tar.gz`);
    expect(long.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
    expect(long.endsWith(".gz")).toBe(true);
    const emoji = safeFileName("😀".repeat(200));
    expect(emoji.length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
    expect(emoji).toBe("😀".repeat(127)); // whole characters: no lone surrogate at the cut
    for (const name of ["a/b", "   ", `${"é".repeat(300)}.tar.gz`]) expect(valid({ ...offer, name: safeFileName(name) })).toBe(true);
  });

  it("keep a bare MIME type, drop parameters, and give up on odd ones", () => {
    expect(safeMimeType("Text/Plain; charset=utf-8")).toBe("text/plain");
    expect(safeMimeType("")).toBe("");
    expect(safeMimeType("not a type")).toBe("");
  });
});
