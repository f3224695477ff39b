import { randomUUID } from "node:crypto";
import {
  ChatMessage,
  HelloMessage,
  PROTOCOL_VERSION,
  Ref,
  SetStatusMessage,
  UsernameMessage,
  errorMessage,
  type ErrorCode,
  type WelcomeMessage,
} from "@switchboard/protocol";
import type { z } from "zod";
import { decodeFrame } from "./codec.js";
import type { Hub, RelayedMessage } from "./hub/hub.js";
import type { Frame, Peer } from "./hub/peer.js";
import { ProtocolError } from "./hub/protocol-error.js";
import type { Logger } from "./logger.js";

/** The socket, as far as a session needs it. */
export interface SessionTransport {
  send(frame: Frame): void;
}

export interface SessionContext {
  hub: Hub;
  logger: Logger;
  maxMessageBytes: number;
  /** The `welcome` for a session, minus what the session fills in. */
  welcome(sessionId: string): Omit<WelcomeMessage, "ref">;
}

/** Types accepted before login. */
const PRE_LOGIN_TYPES = new Set(["hello", "username"]);

/**
 * One per connection: turns frames into hub calls for one identity, and hub failures into
 * `error` messages. Nothing a client sends escapes as an exception.
 */
export class Session implements Peer {
  readonly id = randomUUID();
  name: string | null = null;
  modern = false;

  constructor(
    private readonly transport: SessionTransport,
    private readonly context: SessionContext,
  ) {
    this.send(JSON.stringify({ type: "id", id: this.id }));
  }

  send(frame: Frame): void {
    this.transport.send(frame);
  }

  /** One incoming WebSocket message. */
  receive(data: Buffer, isBinary: boolean): void {
    if (isBinary) return this.#reportError("binary-frame");
    if (data.length > this.context.maxMessageBytes) {
      return this.#reportError("frame-too-large", `${data.length} bytes; the limit is ${this.context.maxMessageBytes}.`);
    }
    const decoded = decodeFrame(data.toString("utf8"));
    if (!decoded.ok) return this.#reportError(decoded.code, undefined, decoded.ref);

    const message = decoded.message;
    const ref = Ref.safeParse(message.ref).data;
    try {
      this.#dispatch(message, ref);
    } catch (error) {
      if (error instanceof ProtocolError) return this.#reportError(error.code, error.detail, ref);
      this.context.logger.error({ err: error, session: this.id, type: message.type }, "message handler failed");
      this.#reportError("internal-error", undefined, ref);
    }
  }

  /** The connection is gone. */
  end(): void {
    this.context.hub.logout(this);
  }

  #dispatch(message: RelayedMessage, ref: Ref | undefined): void {
    const { hub } = this.context;
    if (this.name === null && !PRE_LOGIN_TYPES.has(message.type)) throw new ProtocolError("not-logged-in");
    switch (message.type) {
      case "hello":
        return this.#hello(validate(HelloMessage, message), ref);
      case "username":
        return this.#login(validate(UsernameMessage, message), ref);
      case "message":
        hub.chat(this, validate(ChatMessage, message));
        break;
      case "set-status":
        hub.setStatus(this, validate(SetStatusMessage, message).status);
        break;
      default:
        hub.relay(this, message);
    }
    this.#acknowledge(ref);
  }

  #hello(hello: HelloMessage, ref: Ref | undefined): void {
    if (this.name !== null) throw new ProtocolError("hello-after-login");
    if (hello.protocol !== PROTOCOL_VERSION) {
      throw new ProtocolError("unsupported-protocol", `Asked for ${hello.protocol}; this server speaks ${PROTOCOL_VERSION}.`);
    }
    this.modern = true;
    const welcome = this.context.welcome(this.id);
    this.send(JSON.stringify(ref === undefined ? welcome : { ...welcome, ref }));
  }

  #login(message: UsernameMessage, ref: Ref | undefined): void {
    if (this.name !== null) throw new ProtocolError("already-logged-in", `You are "${this.name}".`);
    this.name = this.context.hub.login(this, message.name);
    this.context.logger.debug({ session: this.id, name: this.name }, "logged in");
    this.#acknowledge(ref, { name: this.name });
  }

  /** Modern clients learn that a request with a `ref` succeeded. */
  #acknowledge(ref: Ref | undefined, result?: { name: string }): void {
    if (this.modern && ref !== undefined) this.send(JSON.stringify({ type: "ack", ref, ...result }));
  }

  #reportError(code: ErrorCode, detail?: string, ref?: unknown): void {
    this.context.logger.debug({ session: this.id, code, detail }, "client error");
    this.send(JSON.stringify(errorMessage(code, detail, Ref.safeParse(ref).data)));
  }
}

function validate<Schema extends z.ZodType>(schema: Schema, message: unknown): z.output<Schema> {
  const result = schema.safeParse(message);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `"${issue.path.join(".")}": ` : "";
  throw new ProtocolError("invalid-message", `${where}${issue.message}`);
}
