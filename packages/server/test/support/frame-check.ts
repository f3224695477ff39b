import { ServerMessage } from "@switchboard/protocol";
import type { ServerObservers, SwitchboardServer } from "../../src/index.js";

/** A server whose every frame is checked: its `close()` fails if any was no `ServerMessage`. */
export function checkedServer(create: (observers: ServerObservers) => SwitchboardServer): SwitchboardServer {
  const frames = new FrameCheck();
  const server = create({ frameSent: frames.observe });
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    frames.assertNone();
  };
  return server;
}

/**
 * Checks every frame a test server writes against the protocol's `ServerMessage`: what the
 * server sends is held to the schema as strictly as what it receives. Problems are collected
 * (throwing inside the server's write path would hide them) and reported by `assertNone`.
 */
export class FrameCheck {
  readonly problems: string[] = [];
  readonly #decoder = new TextDecoder();

  readonly observe = (data: string | Uint8Array): void => {
    const text = typeof data === "string" ? data : this.#decoder.decode(data);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.#report(text, "not JSON");
      return;
    }
    const result = ServerMessage.safeParse(json);
    if (!result.success) {
      this.#report(text, result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
      return;
    }
    // The schemas let unknown fields through (for newer servers); ours must send none.
    const extra = unknownFields(json, result.data);
    if (extra.length > 0) this.#report(text, `fields the protocol does not define: ${extra.join(", ")}`);
  };

  /** Throws if any frame so far broke the protocol. */
  assertNone(): void {
    if (this.problems.length > 0) {
      throw new Error(`the server sent ${this.problems.length} frame(s) that are no ServerMessage:\n${this.problems.slice(0, 5).join("\n")}`);
    }
  }

  #report(text: string, problem: string): void {
    // A few are enough to diagnose; a fuzz run must not keep thousands of frames alive.
    if (this.problems.length < 20) this.problems.push(`${text.slice(0, 300)} -> ${problem}`);
    else this.problems.length++;
  }
}

/** Paths present in `sent` that the schema's output dropped (strict objects strip unknown keys). */
function unknownFields(sent: unknown, parsed: unknown, path = ""): string[] {
  if (typeof sent !== "object" || sent === null || typeof parsed !== "object" || parsed === null) return [];
  const found: string[] = [];
  for (const key of Object.keys(sent)) {
    const where = path ? `${path}.${key}` : key;
    if (!(key in parsed)) found.push(where);
    else found.push(...unknownFields((sent as Record<string, unknown>)[key], (parsed as Record<string, unknown>)[key], where));
  }
  return found;
}
